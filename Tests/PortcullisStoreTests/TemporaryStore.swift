import Foundation
import Logging
@testable import PortcullisStore

/// A migrated SQLite store in a new temp file for `body`, closed afterwards.
func withTemporaryStore(readers: Int = 2, _ body: (SQLiteStore) async throws -> Void) async throws {
    let path = NSTemporaryDirectory() + "portcullis-store-\(UUID().uuidString).sqlite3"
    let store = try await SQLiteStore.open(path: path, readers: readers, logger: Logger(label: "test"))
    _ = try await store.migrate()
    do { try await body(store) } catch { await store.close(); throw error }
    await store.close()
}
