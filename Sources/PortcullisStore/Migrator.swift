import Logging
import PortcullisMigrations
import SQLiteKit

/// Applies the embedded SQL migrations in order, each in its own
/// transaction, and records them in `schema_migrations`.
struct Migrator {
    let logger: Logger

    func migrate(_ store: SQLiteStore, on pool: ConnectionPool) async throws -> [String] {
        let create = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
        _ = try await store.transaction(on: pool, begin: "BEGIN IMMEDIATE") { db in
            try await db.raw(SQLQueryString(create)).run()
        }
        var applied: [String] = []
        for migration in SQLiteMigrations.all {
            let name = migration.name
            let statements = SQLStatementSplitter.split(migration.sql)
            let done: Bool = try await store.transaction(on: pool, begin: "BEGIN IMMEDIATE") { db in
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

import Foundation
