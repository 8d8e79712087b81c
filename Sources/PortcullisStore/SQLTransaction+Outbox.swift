import Foundation
import PortcullisCore
import SQLKit

extension SQLTransaction {
    func enqueueEvent(name: String, payload: String, now: Int64) async throws {
        changes.enqueuedEvent()
        try await db.raw("""
            INSERT INTO outbox (name, payload, attempts, next_attempt_at, created_at)
            VALUES (\(bind: name), \(bind: payload), 0, \(bind: now), \(bind: now))
            """).run()
    }

    /// Leases due events until `leaseUntil`. On PostgreSQL the rows are locked
    /// and rows another instance is claiming are skipped; on SQLite the
    /// single writer already serializes claims.
    func claimDueEvents(now: Int64, limit: Int, leaseUntil: Int64) async throws -> [OutboxMessage] {
        let lock = flavor == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.raw("""
            SELECT id, name, payload, attempts FROM outbox
            WHERE delivered_at IS NULL AND next_attempt_at <= \(bind: now)
            ORDER BY id LIMIT \(bind: limit) \(unsafeRaw: lock)
            """).all().map { row in
            OutboxMessage(id: try row.int64("id"), name: try row.string("name"), payload: try row.string("payload"),
                          attempts: try row.decode(column: "attempts", as: Int.self))
        }
        for message in rows {
            try await db.raw("UPDATE outbox SET next_attempt_at = \(bind: leaseUntil) WHERE id = \(bind: message.id)").run()
        }
        return rows
    }

    /// The payload loses its secrets (tokens) once delivered.
    func markEventDelivered(id: Int64, now: Int64) async throws {
        let row = try await db.raw("SELECT payload FROM outbox WHERE id = \(bind: id)").first()
        var payload = try row?.string("payload") ?? "{}"
        if var object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any], object["token"] != nil {
            object["token"] = "<delivered>"
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                payload = String(decoding: data, as: UTF8.self)
            }
        }
        try await db.raw("""
            UPDATE outbox SET delivered_at = \(bind: now), payload = \(bind: payload), last_error = NULL WHERE id = \(bind: id)
            """).run()
    }

    func rescheduleEvent(id: Int64, attempts: Int, nextAttemptAt: Int64, error: String) async throws {
        try await db.raw("""
            UPDATE outbox SET attempts = \(bind: attempts), next_attempt_at = \(bind: nextAttemptAt), last_error = \(bind: error)
            WHERE id = \(bind: id)
            """).run()
    }

    func outboxBacklog() async throws -> (pending: Int, oldestCreatedAt: Int64?) {
        let row = try await db.raw("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL").first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "oldest", as: Int64?.self) ?? nil)
    }
}
