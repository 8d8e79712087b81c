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
    /// How long an operation may wait for a pooled connection (the pool keeps
    /// retrying while the database is down): then `StoreUnavailable` (503).
    private let connectionWait: Duration
    let logger: Logger

    private init(client: PostgresClient, runner: Task<Void, Never>, cipher: SecretBox?, connectionWait: Duration, logger: Logger) {
        self.client = client
        self.runner = runner
        self.cipher = cipher
        self.connectionWait = connectionWait
        self.logger = logger
        feed = PostgresChangeFeed(logger: logger)
    }

    /// Connects to `url` (`postgres://user:password@host:port/db`); the first
    /// query proves the database answers. `pool` caps this process's
    /// connections and how long a request waits for one.
    public static func open(
        url: String, pool: DatabasePool = DatabasePool(), cipher: SecretBox? = nil, logger: Logger
    ) async throws -> PostgresStore {
        let parsed = try PostgresURL(url)
        // One direct connection first: the pool retries forever, this fails at
        // once and says why (refused, unknown host, wrong password, no database).
        let probe = try await PostgresConnection.connect(configuration: try parsed.connection(), id: 0, logger: logger)
        try await probe.close()
        var configuration = parsed.client
        configuration.options.maximumConnections = max(2, pool.size)
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = pool.wait
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        return PostgresStore(client: client, runner: runner, cipher: cipher, connectionWait: pool.wait, logger: logger)
    }

    static let unreachable: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed]

    /// The server ending connections (57P01 admin shutdown, 57P02 crash
    /// shutdown, 57P03 starting up) or a connection exception (class 08):
    /// the database is going away or coming back, so 503, not 500.
    static func goingAway(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("57P") || state.hasPrefix("08")
    }

    /// A pooled connection for `body`, or `StoreUnavailable` when none comes
    /// within `connectionWait` or the link to the database breaks. Only the
    /// wait for a connection is limited: once `body` runs it is never cut
    /// short, so a slow write cannot both commit and be reported as failed.
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        let (lease, wait, asked) = (LeaseRace(), connectionWait, ContinuousClock.now)
        // The lease runs in a task of its own: when the wait is over the caller
        // leaves at once, even if the pool never answers that lease (a task
        // group would wait for it). A lease that comes later runs nothing.
        let work = Task {
            try await client.withConnection { connection in
                guard lease.claim() else { throw StoreUnavailable() }
                Telemetry.databasePoolWait.record(duration: ContinuousClock.now - asked)
                return try await body(connection)
            }
        }
        do {
            return try await Self.leased(work, lease: lease, wait: wait)
        } catch let error as PSQLError where Self.unreachable.contains(error.code) || Self.goingAway(error) {
            throw StoreUnavailable()
        } catch let error as PSQLError where ["53100", "53200"].contains(error.serverInfo?[.sqlState] ?? "") {
            // disk_full, out_of_memory: the server rolled the statement back.
            throw StorageFull()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22021" {
            // character_not_in_repertoire: a NUL byte in a bound string.
            throw UnstorableValue()
        }
    }

    /// `work`'s answer, unless no connection came within `wait` (or the
    /// caller was cancelled first): then the lease is abandoned and the body
    /// never runs. A body that started in time runs to its end, and its
    /// answer is the answer.
    private static func leased<T: Sendable>(_ work: Task<T, any Error>, lease: LeaseRace, wait: Duration) async throws -> T {
        do {
            return try await Deadline.run(wait) { try await work.value }
        } catch let error where error is DeadlinePassed || error is CancellationError {
            guard lease.abandon() else { return try await work.value }  // claimed: the body is running
            work.cancel()
            guard error is DeadlinePassed else { throw error }
            Telemetry.databasePoolTimeouts.increment()
            throw StoreUnavailable()
        }
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
        try await change(inTransaction: true, body)
    }

    /// Autocommit: one round trip for a one-statement write.
    public func writeStatement<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await change(inTransaction: false, body)
    }

    /// Runs a write and tells every instance what it changed: inside the
    /// transaction `pg_notify` is delivered when (and only if) COMMIT
    /// succeeds; in autocommit the statement has committed already, so the
    /// others hear of it right after.
    private func change<T: Sendable>(
        inTransaction: Bool, _ body: @escaping @Sendable (any StoreTransaction) async throws -> T
    ) async throws -> T {
        let changes = StoreChangeRecorder()
        let (cipher, feed) = (self.cipher, self.feed)
        let work: @Sendable (any SQLDatabase) async throws -> T = { db in
            let tx = SQLTransaction(db: db, changes: changes, cipher: cipher, flavor: .postgres, locksRows: inTransaction)
            let result = try await body(tx)
            let recorded = changes.recorded
            if !recorded.isEmpty {
                try await db.raw("SELECT pg_notify(\(bind: PostgresChangeFeed.channel), \(bind: feed.encode(recorded)))").run()
            }
            return result
        }
        let result = inTransaction
            ? try await retryingConflicts { try await self.transaction(work) }
            : try await withConnection { connection in try await work(connection.sql(queryLogLevel: nil)) }
        let committed = changes.recorded
        if !committed.isEmpty { tell(committed) }
        return result
    }

    /// deadlock_detected and serialization_failure: PostgreSQL rolled the
    /// whole transaction back, and advises running it again.
    static let conflicts: Set<String> = ["40P01", "40001"]

    /// Runs a write transaction again (three tries in all) when PostgreSQL
    /// broke a lock cycle by aborting it: two writers that lock the same rows
    /// in different orders both finish, one after the other.
    private func retryingConflicts<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var tries = 1
        while true {
            do {
                return try await body()
            } catch let error as PSQLError where tries < 3 && Self.conflicts.contains(error.serverInfo?[.sqlState] ?? "") {
                tries += 1
                logger.info("write transaction retried after a lock conflict", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
            }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let cipher = self.cipher
        return try await withConnection { connection in
            try await body(SQLTransaction(db: connection.sql(queryLogLevel: nil), changes: StoreChangeRecorder(),
                                          cipher: cipher, flavor: .postgres))
        }
    }

    /// Runs `body` between BEGIN and COMMIT on one pooled connection; any error rolls back.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in
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
        return try await migrator(preamble: [lock]).migrate { body in
            try await self.transaction(body)
        }
    }

    public func verifyMigrations() async throws {
        try await read { tx in
            guard let sql = tx as? SQLTransaction else { return }
            try await self.migrator(preamble: []).verify(on: sql.db)
        }
    }

    private func migrator(preamble: [String]) -> Migrator {
        Migrator(migrations: PostgresMigrations.all, preamble: preamble, checksumColumnQuery: """
            SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'
            """, logger: logger)
    }

    /// An arbitrary fixed key ("PCMIGR" in ASCII) that names the migration lock.
    static let migrationLockKey: Int64 = 0x5043_4D49_4752

    public func close() async {
        listener.withLock { $0?.cancel() }
        runner.cancel()
        _ = await runner.value
    }
}

/// Decides, once, between a connection that arrived in time (`claim`) and a
/// wait that timed out (`abandon`): a body never starts after its caller was
/// told the database is unavailable.
private final class LeaseRace: Sendable {
    private enum State { case waiting, claimed, abandoned }
    private let state = Mutex(State.waiting)

    /// True when the connection arrived before the deadline.
    func claim() -> Bool { decide(.claimed) }
    /// True when the deadline came first.
    func abandon() -> Bool { decide(.abandoned) }

    private func decide(_ outcome: State) -> Bool {
        state.withLock { current in
            guard case .waiting = current else { return false }
            current = outcome
            return true
        }
    }
}
