import Foundation
import Logging
import PortcullisCore
import SQLKit

/// Applies embedded SQL migrations in order, each in its own transaction,
/// and records them in `schema_migrations` with a checksum. Each transaction
/// first runs `preamble` (PostgreSQL: an advisory lock, so instances starting
/// together apply each migration once).
///
/// A landed migration is never edited: at every start the checksum of each
/// applied migration is compared with the file embedded in the binary, and a
/// difference stops start-up naming the migration. The checksum covers the
/// statements as they run (comments and surrounding blank space are not
/// part of it), so rewording a comment is not a change. Rows recorded before
/// checksums existed get theirs on the next migrating start.
struct Migrator {
    typealias Transaction = @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> Bool) async throws -> Bool

    let migrations: [(name: String, sql: String)]
    let preamble: [String]
    /// One row when `schema_migrations` has its `checksum` column (the query differs by dialect).
    let checksumColumnQuery: String
    let logger: Logger

    static let createTable = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"

    func migrate(inTransaction transaction: Transaction) async throws -> [String] {
        let (setup, columnQuery) = (preamble + [Self.createTable], checksumColumnQuery)
        _ = try await transaction { db in
            for statement in setup { try await db.raw(SQLQueryString(statement)).run() }
            if try await db.raw(SQLQueryString(columnQuery)).all().isEmpty {
                try await db.raw("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT").run()
            }
            return true
        }
        var applied: [String] = []
        for migration in migrations {
            let (name, statements) = (migration.name, SQLStatementSplitter.split(migration.sql))
            let checksum = Self.checksum(statements)
            let done = try await transaction { db in
                for statement in setup { try await db.raw(SQLQueryString(statement)).run() }
                let rows = try await db.raw("SELECT checksum FROM schema_migrations WHERE name = \(bind: name)").all()
                if let row = rows.first {
                    guard let recorded = try row.decodeNil(column: "checksum") ? nil : row.decode(column: "checksum", as: String.self) else {
                        try await db.raw("UPDATE schema_migrations SET checksum = \(bind: checksum) WHERE name = \(bind: name)").run()
                        return false
                    }
                    guard recorded == checksum else { throw MigrationChanged(name: name, recorded: recorded, embedded: checksum) }
                    return false
                }
                for statement in statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(Date().timeIntervalSince1970)
                try await db.raw("""
                    INSERT INTO schema_migrations (name, applied_at, checksum) VALUES (\(bind: name), \(bind: now), \(bind: checksum))
                    """).run()
                return true
            }
            if done {
                logger.info("applied migration", metadata: ["migration": "\(name)"])
                applied.append(name)
            }
        }
        return applied
    }

    /// Without applying anything (`auto_migrate` off): every applied migration
    /// that has a recorded checksum must still match its embedded file.
    func verify(on db: any SQLDatabase) async throws {
        guard try await !db.raw(SQLQueryString(checksumColumnQuery)).all().isEmpty else { return }
        let rows = try await db.raw("SELECT name, checksum FROM schema_migrations WHERE checksum IS NOT NULL").all()
        let embedded = Dictionary(migrations.map { ($0.name, Self.checksum(SQLStatementSplitter.split($0.sql))) }) { first, _ in first }
        for row in rows {
            let (name, recorded) = (try row.decode(column: "name", as: String.self), try row.decode(column: "checksum", as: String.self))
            if let checksum = embedded[name], checksum != recorded {
                throw MigrationChanged(name: name, recorded: recorded, embedded: checksum)
            }
        }
    }

    /// SHA-256 (hex) of the statements as they run, one per line.
    static func checksum(_ statements: [String]) -> String {
        sha256Hex(statements.joined(separator: ";\n"))
    }
}

/// An applied migration whose file changed since: start-up stops, naming it.
public struct MigrationChanged: Error, CustomStringConvertible, Sendable {
    public let name: String
    public let recorded: String
    public let embedded: String

    public var description: String {
        "migration \(name) was changed after it was applied (recorded checksum \(recorded.prefix(12))…, "
            + "this binary's \(embedded.prefix(12))…): restore the file and add a new migration instead"
    }
}
