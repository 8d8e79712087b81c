/// A file a client uploaded.
public struct UploadedFile: Sendable, Equatable {
    public var filename: String
    public var bytes: [UInt8]
    public init(filename: String, bytes: [UInt8]) { self.filename = filename; self.bytes = bytes }
}

/// Where uploaded documents are kept: random names, never served by path.
public protocol FileStore: Sendable {
    /// Saves the bytes under a new random name (with `ext`) and returns the name.
    func save(_ bytes: [UInt8], ext: String) async throws -> String
    func delete(_ name: String) async
}

/// Uploaded files as rows of the store (PostgreSQL deployments keep them so).
public protocol UploadRepository: Sendable {
    func insertUpload(name: String, bytes: [UInt8], now: Int64) async throws
    func deleteUpload(name: String) async throws
}

/// Files in the database every instance shares: no instance keeps state on its own disk.
public struct DatabaseFileStore: FileStore {
    let store: any Store
    let clock: any Clock

    public init(store: any Store, clock: any Clock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    public func save(_ bytes: [UInt8], ext: String) async throws -> String {
        let name = SecureRandom.hex(bytes: 16) + "." + ext
        let now = clock.now()
        try await store.write { tx in try await tx.insertUpload(name: name, bytes: bytes, now: now) }
        return name
    }

    public func delete(_ name: String) async {
        _ = try? await store.write { tx in try await tx.deleteUpload(name: name) }
    }
}
