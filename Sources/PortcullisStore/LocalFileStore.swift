import Foundation
import PortcullisCore

/// Uploaded files under `upload_path`, named by 32 random hex characters;
/// written to a temporary name and renamed, so a crash leaves no half file.
/// Files are written before the documents' transaction (no disk work while
/// SQLite's single writer is held) and removed if it fails.
public struct LocalFileStore: FileStore {
    let directory: String

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func stage(_ bytes: [UInt8], ext: String) async throws -> StagedFile {
        let file = StagedFile.named(bytes, ext: ext)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path(file.name)), options: [.atomic])
        } catch {
            // A full disk (or one that refuses writes): the atomic write left no file.
            throw StorageFull()
        }
        return file
    }

    public func record(_ file: StagedFile, in tx: some UploadRepository, now: Int64) async throws {}

    public func discard(_ file: StagedFile) async {
        try? FileManager.default.removeItem(atPath: path(file.name))
    }

    public func read(_ name: String, from store: any Store) async throws -> [UInt8]? {
        // Names are ours (32 hex + extension): no separator, no dot file.
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }), !name.hasPrefix(".") else { return nil }
        return FileManager.default.contents(atPath: path(name)).map { [UInt8]($0) }
    }

    func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
