import Logging
import PortcullisCore

/// A store the commands open, migrate and close, whichever backend it is.
public protocol DatabaseStore: Store {
    /// Applies pending migrations; returns the names applied.
    func migrate() async throws -> [String]
    /// Checks applied migrations against the embedded files without applying
    /// any; throws `MigrationChanged` naming the first that differs.
    func verifyMigrations() async throws
    /// Starts receiving other instances' committed changes (a no-op where
    /// no other instance can exist).
    func startChangeFeed()
    func close() async
}

extension SQLiteStore: DatabaseStore {
    public func startChangeFeed() {}
}

extension PostgresStore: DatabaseStore {}

/// The PostgreSQL pool of one process (`database_pool_size`,
/// `database_wait`); SQLite has one writer and ignores it.
public struct DatabasePool: Sendable {
    public var size: Int
    public var wait: Duration

    public init(size: Int = 16, waitSeconds: Int = 5) {
        self.size = size
        self.wait = .seconds(waitSeconds)
    }
}

/// Opens the backend `database_url` names.
public enum DatabaseStores {
    public static func open(
        url: String, pool: DatabasePool = DatabasePool(), cipher: SecretBox?, logger: Logger
    ) async throws -> any DatabaseStore {
        let sqlite = "sqlite://"
        if url.hasPrefix(sqlite) {
            return try await SQLiteStore.open(path: String(url.dropFirst(sqlite.count)), cipher: cipher, logger: logger)
        }
        return try await PostgresStore.open(url: url, pool: pool, cipher: cipher, logger: logger)
    }
}
