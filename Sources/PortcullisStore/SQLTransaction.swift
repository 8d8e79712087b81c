import PortcullisCore
import PostgresNIO
import SQLKit

/// The SQL flavour a transaction speaks, for the few statements that differ.
enum SQLFlavor: Sendable {
    case sqlite, postgres
}

/// The SQL implementation of every repository port, bound to one
/// connection inside one transaction. Each port lives in its own extension
/// file (`SQLTransaction+Users.swift`, …). All SQL here is parameterized.
struct SQLTransaction: StoreTransaction {
    let db: any SQLDatabase
    /// Every mutation records whose data it changed, for cache invalidation.
    let changes: StoreChangeRecorder
    /// Seals personal fields at rest; nil only for commands that never touch them (migrate).
    let cipher: SecretBox?
    let flavor: SQLFlavor
    /// PostgreSQL write transactions lock the rows they read to write back
    /// (`FOR UPDATE`), so a read-modify-write is serialized per row as
    /// SQLite's single writer serializes everything.
    var locksRows = false

    /// What a read that may be written back appends: `FOR UPDATE` in a
    /// PostgreSQL write transaction, nothing elsewhere. The lock order is
    /// user, then service account, then anything of theirs.
    var rowLock: String { locksRows ? " FOR UPDATE" : "" }
}

extension SQLRow {
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
}

/// Maps a unique-constraint failure to the domain's `DuplicateRecord`.
func mapDuplicate<T>(_ work: () async throws -> T) async throws -> T {
    do {
        return try await work()
    } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
        let constraint = error.serverInfo?[.constraintName] ?? ""
        throw DuplicateRecord(field: constraint.contains("username") ? "username" : "email")
    } catch {
        let text = String(describing: error)
        if text.contains("UNIQUE constraint failed") {
            throw DuplicateRecord(field: text.contains("username") ? "username" : "email")
        }
        throw error
    }
}
