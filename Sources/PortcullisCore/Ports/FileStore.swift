/// A file a client uploaded.
public struct UploadedFile: Sendable, Equatable {
    public var filename: String
    public var bytes: [UInt8]
    public init(filename: String, bytes: [UInt8]) { self.filename = filename; self.bytes = bytes }
}

/// Where uploaded documents are kept: random names, never served by path.
public protocol FileStore: Sendable {
    /// Saves the bytes under a new random name (with `ext`) and returns the name.
    func save(_ bytes: [UInt8], ext: String) throws -> String
    func delete(_ name: String)
}
