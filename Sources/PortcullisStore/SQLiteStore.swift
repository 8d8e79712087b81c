import Foundation
import Logging
import PortcullisMigrations
import NIOCore
import NIOPosix
import PortcullisCore
import Metrics
import SQLiteKit
import Synchronization

/// The embedded store: one writer connection (so writers never fight over
/// SQLite's lock) and a few readers, all in WAL mode with foreign keys on.
public final class SQLiteStore: Store {
    private let writer: ConnectionPool
    private let readers: ConnectionPool
    private let observers = Mutex<[any StoreCommitObserver]>([])
    private let cipher: SecretBox?
    let logger: Logger

    private init(writer: ConnectionPool, readers: ConnectionPool, cipher: SecretBox?, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.cipher = cipher
        self.logger = logger
    }

    /// Opens (creating when needed) the database file at `path`.
    /// `cipher` seals personal fields at rest (phones, profiles, document numbers).
    public static func open(path: String, readers: Int = 4, cipher: SecretBox? = nil, logger: Logger) async throws -> SQLiteStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let writer = try await openConnection(path: path, logger: logger)
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<max(1, readers) {
            readerConnections.append(try await openConnection(path: path, logger: logger))
        }
        return SQLiteStore(
            writer: ConnectionPool(connections: [writer]),
            readers: ConnectionPool(connections: readerConnections),
            cipher: cipher, logger: logger
        )
    }

    private static func openConnection(path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let db = connection.sql(queryLogLevel: nil)
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON",
                       "PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL"] {
            try await db.raw(SQLQueryString(pragma)).run()
        }
        return connection
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let changes = StoreChangeRecorder()
        let cipher = self.cipher
        let result = try await transaction(on: writer, begin: "BEGIN IMMEDIATE") { db in
            try await body(SQLTransaction(db: db, changes: changes, cipher: cipher, flavor: .sqlite))
        }
        let committed = changes.recorded
        for observer in observers.withLock({ $0 }) { observer.committed(committed) }
        return result
    }

    /// The single writer connection serializes it like any other write.
    public func writeStatement<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await write(body)
    }

    /// A consistent copy of the whole database written to `path` (which must
    /// not exist) by SQLite's `VACUUM INTO`: it runs as one read transaction
    /// on a reader connection, so the server keeps answering and writing
    /// meanwhile, and the copy holds exactly the commits made before it began.
    public func backup(to path: String) async throws {
        try await transaction(on: readers, begin: nil) { db in
            try await db.raw("VACUUM INTO \(bind: path)").run()
        }
    }

    /// Checks a database file with `PRAGMA quick_check` and counts its users.
    public static func verifyCopy(at path: String, logger: Logger) async throws -> (ok: Bool, users: Int) {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let db = connection.sql(queryLogLevel: nil)
        do {
            let check = try await db.raw("PRAGMA quick_check").first()?.decode(column: "quick_check", as: String.self)
            let users = try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) ?? 0
            try await connection.close()
            return (check == "ok", users)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// One process owns the file.
    public var isShared: Bool { false }

    public func addCommitObserver(_ observer: any StoreCommitObserver) {
        observers.withLock { $0.append(observer) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        // Autocommit: each read statement sees committed data; BEGIN/COMMIT
        // would double the round trips of the hottest path for nothing.
        let cipher = self.cipher
        return try await transaction(on: readers, begin: nil) { db in
            try await body(SQLTransaction(db: db, changes: StoreChangeRecorder(), cipher: cipher, flavor: .sqlite))
        }
    }

    /// Runs `body` between BEGIN and COMMIT on one connection; any error rolls back.
    func transaction<T: Sendable>(
        on pool: ConnectionPool, begin: String?, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let asked = ContinuousClock.now
        let connection = await pool.acquire()
        Telemetry.databasePoolWait.record(duration: ContinuousClock.now - asked)
        let db = connection.sql(queryLogLevel: nil)
        do {
            if let begin { try await db.raw(SQLQueryString(begin)).run() }
            let result = try await body(db)
            if begin != nil { try await db.raw("COMMIT").run() }
            await pool.release(connection)
            return result
        } catch {
            if begin != nil { try? await db.raw("ROLLBACK").run() }
            await pool.release(connection)
            if let failure = error as? SQLiteError, Self.diskFailures.contains(failure.reason) { throw StorageFull() }
            throw error
        }
    }

    /// What SQLite answers when the disk fills: the statement and its
    /// transaction are rolled back, the file stays whole.
    static let diskFailures: Set<SQLiteError.Reason> = [.full, .ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedTruncate]

    /// Applies pending migrations; returns the names applied.
    public func migrate() async throws -> [String] {
        try await migrator.migrate { body in
            try await self.transaction(on: self.writer, begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func verifyMigrations() async throws {
        try await read { tx in
            guard let sql = tx as? SQLTransaction else { return }
            try await self.migrator.verify(on: sql.db)
        }
    }

    private var migrator: Migrator {
        Migrator(migrations: SQLiteMigrations.all, preamble: [],
                 checksumColumnQuery: "SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'", logger: logger)
    }

    public func close() async {
        await writer.close()
        await readers.close()
    }
}
