/// A file a client uploaded.
public struct UploadedFile: Sendable, Equatable {
    public var filename: String
    public var bytes: [UInt8]
    public init(filename: String, bytes: [UInt8]) { self.filename = filename; self.bytes = bytes }
}

/// An upload with its new random name, waiting for its documents' transaction.
public struct StagedFile: Sendable, Equatable {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }

    /// `bytes` under a new random name with `ext`.
    public static func named(_ bytes: [UInt8], ext: String) -> StagedFile {
        StagedFile(name: SecureRandom.hex(bytes: 16) + "." + ext, bytes: bytes)
    }
}

/// Where uploaded documents are kept: random names, never served by path.
/// Saving happens in two steps so that files and their document rows commit
/// together wherever the store can hold both.
public protocol FileStore: Sendable {
    /// Before the documents' transaction: names the file and keeps whatever
    /// needs no transaction (bytes on disk).
    func stage(_ bytes: [UInt8], ext: String) async throws -> StagedFile
    /// Inside the documents' transaction: keeps what belongs to the store.
    func record(_ file: StagedFile, in tx: some UploadRepository, now: Int64) async throws
    /// After a failed transaction: removes what `stage` kept outside it.
    func discard(_ file: StagedFile) async
    /// A stored file's bytes (to send it on to KYCAID), nil when there is none.
    func read(_ name: String, from store: any Store) async throws -> [UInt8]?
}

/// Uploaded files as rows of the store (PostgreSQL deployments keep them so).
public protocol UploadRepository: Sendable {
    func insertUpload(name: String, bytes: [UInt8], now: Int64) async throws
    func upload(name: String) async throws -> [UInt8]?
}

/// Files in the database every instance shares: no instance keeps state on
/// its own disk, and a file row commits with its document rows or not at all.
public struct DatabaseFileStore: FileStore {
    public init() {}

    public func stage(_ bytes: [UInt8], ext: String) async throws -> StagedFile {
        StagedFile.named(bytes, ext: ext)
    }

    public func record(_ file: StagedFile, in tx: some UploadRepository, now: Int64) async throws {
        try await tx.insertUpload(name: file.name, bytes: file.bytes, now: now)
    }

    /// Nothing outside the transaction: its rollback removed the row.
    public func discard(_ file: StagedFile) async {}

    public func read(_ name: String, from store: any Store) async throws -> [UInt8]? {
        try await store.read { tx in try await tx.upload(name: name) }
    }
}
