import Logging
import PortcullisCore

/// A store the commands open, migrate and close, whichever backend it is.
public protocol DatabaseStore: Store {
    /// Applies pending migrations; returns the names applied.
    func migrate() async throws -> [String]
    /// Starts receiving other instances' committed changes (a no-op where
    /// no other instance can exist).
    func startChangeFeed()
    func close() async
}

extension SQLiteStore: DatabaseStore {
    public func startChangeFeed() {}
}

extension PostgresStore: DatabaseStore {}

/// Opens the backend `database_url` names.
public enum DatabaseStores {
    public static func open(url: String, cipher: SecretBox?, logger: Logger) async throws -> any DatabaseStore {
        let sqlite = "sqlite://"
        if url.hasPrefix(sqlite) {
            return try await SQLiteStore.open(path: String(url.dropFirst(sqlite.count)), cipher: cipher, logger: logger)
        }
        return try await PostgresStore.open(url: url, cipher: cipher, logger: logger)
    }
}
