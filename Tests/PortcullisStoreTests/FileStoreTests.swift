import Foundation
import PortcullisCore
import SQLiteKit
import Testing
@testable import PortcullisStore

/// Files and their document rows commit together: a store-backed file lives
/// in the documents' transaction; a disk file is removed when it fails.
struct FileStoreTests {
    struct Refused: Error {}

    func uploadNames(_ store: SQLiteStore) async throws -> [String] {
        try await store.read { tx in
            guard let sql = tx as? SQLTransaction else { return [] }
            return try await sql.db.raw("SELECT name FROM uploads ORDER BY name").all().map { try $0.decode(column: "name", as: String.self) }
        }
    }

    @Test func aDatabaseFileCommitsOrVanishesWithItsTransaction() async throws {
        try await withTemporaryStore { store in
            let files = DatabaseFileStore()
            let kept = try await files.stage([1, 2, 3], ext: "png")
            let lost = try await files.stage([4, 5, 6], ext: "pdf")
            #expect(kept.name.hasSuffix(".png") && kept.name.count == 36 && kept.name != lost.name)
            try await store.write { tx in try await files.record(kept, in: tx, now: 1) }
            await #expect(throws: Refused.self) {
                try await store.write { tx in
                    try await files.record(lost, in: tx, now: 1)
                    throw Refused()
                }
            }
            await files.discard(lost)
            #expect(try await uploadNames(store) == [kept.name])
        }
    }

    @Test func aDiskFileIsWrittenWhenStagedAndRemovedWhenDiscarded() async throws {
        let directory = NSTemporaryDirectory() + "portcullis-files-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try LocalFileStore(directory: directory)
        let kept = try await files.stage([1, 2, 3], ext: "jpg")
        let lost = try await files.stage([4, 5, 6], ext: "jpg")
        #expect(FileManager.default.contents(atPath: files.path(kept.name)) == Data([1, 2, 3]))
        await files.discard(lost)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [kept.name])
    }
}
