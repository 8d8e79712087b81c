import Logging
import PortcullisCore
import PortcullisPostgresMigrations
import PostgresKit
import Synchronization

/// The scale-out store: a pool of PostgreSQL connections several instances
/// share. Writes run in READ COMMITTED transactions whose races the schema
/// settles (unique keys, upserts, conditional updates, `SKIP LOCKED`); each
/// write that changed cached data tells every instance at commit through
/// `NOTIFY`, and each instance listens (`PostgresChangeFeed`).
public final class PostgresStore: Store {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let observers = Mutex<[any StoreCommitObserver]>([])
    private let cipher: SecretBox?
    private let feed: PostgresChangeFeed
    private let listener = Mutex<Task<Void, Never>?>(nil)
    let logger: Logger

    private init(client: PostgresClient, runner: Task<Void, Never>, cipher: SecretBox?, logger: Logger) {
        self.client = client
        self.runner = runner
        self.cipher = cipher
        self.logger = logger
        feed = PostgresChangeFeed(logger: logger)
    }

    /// Connects to `url` (`postgres://user:password@host:port/db`); the first
    /// query proves the database answers. `connections` caps this process's pool.
    public static func open(url: String, connections: Int = 16, cipher: SecretBox? = nil, logger: Logger) async throws -> PostgresStore {
        var configuration = try PostgresURL.configuration(url)
        configuration.options.maximumConnections = max(2, connections)
        configuration.options.minimumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresStore(client: client, runner: runner, cipher: cipher, logger: logger)
        do {
            _ = try await store.transaction { db in try await db.raw("SELECT 1").run() }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    public var isShared: Bool { true }

    public func addCommitObserver(_ observer: any StoreCommitObserver) {
        observers.withLock { $0.append(observer) }
    }

    /// Starts listening to the other instances' changes (the server does;
    /// one-shot commands need not).
    public func startChangeFeed() {
        let (client, feed) = (self.client, self.feed)
        // Holds the store until `close()` cancels it.
        let task = Task { await feed.listen(client: client) { changes in self.tell(changes) } }
        listener.withLock { $0 = task }
    }

    private func tell(_ changes: StoreChanges) {
        for observer in observers.withLock({ $0 }) { observer.committed(changes) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let changes = StoreChangeRecorder()
        let (cipher, feed) = (self.cipher, self.feed)
        let result: T = try await transaction { db in
            let result = try await body(SQLTransaction(db: db, changes: changes, cipher: cipher, flavor: .postgres))
            let recorded = changes.recorded
            if !recorded.isEmpty {
                // Delivered to every listener when (and only if) COMMIT succeeds.
                try await db.raw("SELECT pg_notify(\(bind: PostgresChangeFeed.channel), \(bind: feed.encode(recorded)))").run()
            }
            return result
        }
        let committed = changes.recorded
        if !committed.isEmpty { tell(committed) }
        return result
    }

    /// Autocommit: one round trip for a one-statement write.
    public func writeStatement<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let changes = StoreChangeRecorder()
        let (cipher, feed) = (self.cipher, self.feed)
        let result = try await client.withConnection { connection in
            let db = connection.sql(queryLogLevel: nil)
            let result = try await body(SQLTransaction(db: db, changes: changes, cipher: cipher, flavor: .postgres))
            let recorded = changes.recorded
            if !recorded.isEmpty {  // already committed: tell the others right after
                try await db.raw("SELECT pg_notify(\(bind: PostgresChangeFeed.channel), \(bind: feed.encode(recorded)))").run()
            }
            return result
        }
        let committed = changes.recorded
        if !committed.isEmpty { tell(committed) }
        return result
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let cipher = self.cipher
        return try await client.withConnection { connection in
            try await body(SQLTransaction(db: connection.sql(queryLogLevel: nil), changes: StoreChangeRecorder(),
                                          cipher: cipher, flavor: .postgres))
        }
    }

    /// Runs `body` between BEGIN and COMMIT on one pooled connection; any error rolls back.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let db = connection.sql(queryLogLevel: nil)
            try await db.raw("BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Applies pending migrations under a transaction-scoped advisory lock, so
    /// instances starting together apply each one exactly once.
    public func migrate() async throws -> [String] {
        let lock = "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))"
        return try await Migrator(migrations: PostgresMigrations.all, preamble: [lock], logger: logger).migrate { body in
            try await self.transaction(body)
        }
    }

    /// An arbitrary fixed key ("PCMIGR" in ASCII) that names the migration lock.
    static let migrationLockKey: Int64 = 0x5043_4D49_4752

    public func close() async {
        listener.withLock { $0?.cancel() }
        runner.cancel()
        _ = await runner.value
    }
}
