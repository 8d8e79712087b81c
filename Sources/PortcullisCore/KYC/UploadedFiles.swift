/// Reads the bytes of an uploaded document, wherever the file store keeps
/// them (on disk, or as a row of the shared database).
public struct UploadedFiles: Sendable {
    let files: any FileStore
    let store: any Store

    public init(files: any FileStore, store: any Store) { self.files = files; self.store = store }

    /// The file's bytes, nil when there is none.
    public func bytes(of name: String) async throws -> [UInt8]? {
        try await files.read(name, from: store)
    }
}
