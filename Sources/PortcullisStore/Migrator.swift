import Foundation
import Logging
import SQLKit

/// Applies embedded SQL migrations in order, each in its own transaction,
/// and records them in `schema_migrations`. Each transaction first runs
/// `preamble` (PostgreSQL: an advisory lock, so instances starting together
/// apply each migration once).
struct Migrator {
    typealias Transaction = @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> Bool) async throws -> Bool

    let migrations: [(name: String, sql: String)]
    let preamble: [String]
    let logger: Logger

    func migrate(inTransaction transaction: Transaction) async throws -> [String] {
        let setup = preamble + ["CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"]
        var applied: [String] = []
        for migration in migrations {
            let name = migration.name
            let statements = SQLStatementSplitter.split(migration.sql)
            let done = try await transaction { db in
                for statement in setup { try await db.raw(SQLQueryString(statement)).run() }
                let rows = try await db.raw("SELECT name FROM schema_migrations WHERE name = \(bind: name)").all()
                guard rows.isEmpty else { return false }
                for statement in statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(Date().timeIntervalSince1970)
                try await db.raw("INSERT INTO schema_migrations (name, applied_at) VALUES (\(bind: name), \(bind: now))").run()
                return true
            }
            if done {
                logger.info("applied migration", metadata: ["migration": "\(name)"])
                applied.append(name)
            }
        }
        return applied
    }
}
