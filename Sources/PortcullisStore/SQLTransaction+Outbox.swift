import Foundation
import PortcullisCore
import SQLKit

extension SQLTransaction {
    func enqueueEvent(name: String, payload: String, changes: String?, jti: String, sinks: [String], now: Int64) async throws {
        // An event no sink takes is kept for audit, delivered at once (so without its secrets).
        let delivered: Int64? = sinks.isEmpty ? now : nil
        let (payload, changes) = sinks.isEmpty ? (EventRetention.retained(payload) ?? "{}", EventRetention.retained(changes))
                                               : (payload, changes)
        let row = try await db.raw("""
            INSERT INTO outbox (name, payload, changes, jti, attempts, next_attempt_at, delivered_at, created_at)
            VALUES (\(bind: name), \(bind: payload), \(bind: changes), \(bind: jti), 0, \(bind: now), \(bind: delivered), \(bind: now))
            RETURNING id
            """).first()
        guard let id = try row?.int64("id"), !sinks.isEmpty else { return }
        self.changes.enqueuedEvent()
        for sink in sinks {
            try await db.raw("""
                INSERT INTO outbox_deliveries (sink, event_id, attempts, next_attempt_at) VALUES (\(bind: sink), \(bind: id), 0, \(bind: now))
                """).run()
        }
    }

    /// Leases the sink's due deliveries. On PostgreSQL the rows are locked
    /// and rows another instance is claiming are skipped; on SQLite the
    /// single writer already serializes claims.
    func claimDeliveries(sink: String, now: Int64, limit: Int, leaseUntil: Int64) async throws -> [OutboxMessage] {
        let lock = flavor == .postgres ? "FOR UPDATE OF d SKIP LOCKED" : ""
        let rows = try await db.raw("""
            SELECT o.id, o.name, o.payload, o.changes, o.jti, d.attempts, d.next_attempt_at
            FROM outbox_deliveries d JOIN outbox o ON o.id = d.event_id
            WHERE d.sink = \(bind: sink) AND d.delivered_at IS NULL
            ORDER BY d.event_id LIMIT \(bind: limit) \(unsafeRaw: lock)
            """).all()
        var due: [OutboxMessage] = []
        for row in rows {
            // In order: the first delivery still waiting for its retry holds back the ones after it.
            guard try row.int64("next_attempt_at") <= now else { break }
            let id = try row.int64("id")
            due.append(OutboxMessage(id: id, name: try row.string("name"), payload: try row.string("payload"),
                                     changes: try row.optionalString("changes"),
                                     jti: try row.optionalString("jti") ?? "outbox-\(id)",
                                     attempts: try row.decode(column: "attempts", as: Int.self)))
        }
        guard let first = due.first?.id, let last = due.last?.id else { return [] }
        try await db.raw("""
            UPDATE outbox_deliveries SET next_attempt_at = \(bind: leaseUntil)
            WHERE sink = \(bind: sink) AND delivered_at IS NULL AND event_id BETWEEN \(bind: first) AND \(bind: last)
            """).run()
        return due
    }

    func markDelivered(sink: String, eventIDs: [Int64], now: Int64) async throws {
        for id in eventIDs {
            try await db.raw("""
                UPDATE outbox_deliveries SET delivered_at = \(bind: now), last_error = NULL WHERE sink = \(bind: sink) AND event_id = \(bind: id)
                """).run()
            let open = try await db.raw("""
                SELECT COUNT(*) AS n FROM outbox_deliveries WHERE event_id = \(bind: id) AND delivered_at IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            if open == 0 { try await finish(eventID: id, now: now) }
        }
    }

    /// Delivered everywhere: kept for audit, without its secrets (EventRetention).
    private func finish(eventID id: Int64, now: Int64) async throws {
        let row = try await db.raw("SELECT payload, changes FROM outbox WHERE id = \(bind: id)").first()
        let payload = EventRetention.retained(try row?.string("payload")) ?? "{}"
        let changes = EventRetention.retained(try row?.optionalString("changes"))
        try await db.raw("""
            UPDATE outbox SET delivered_at = \(bind: now), payload = \(bind: payload), changes = \(bind: changes), last_error = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    func rescheduleDeliveries(sink: String, eventIDs: [Int64], attempts: Int, nextAttemptAt: Int64, error: String) async throws {
        guard let first = eventIDs.first else { return }
        try await db.raw("""
            UPDATE outbox_deliveries SET attempts = \(bind: attempts), last_error = \(bind: error)
            WHERE sink = \(bind: sink) AND event_id = \(bind: first)
            """).run()
        for id in eventIDs {
            try await db.raw("""
                UPDATE outbox_deliveries SET next_attempt_at = \(bind: nextAttemptAt) WHERE sink = \(bind: sink) AND event_id = \(bind: id)
                """).run()
        }
    }

    func outboxBacklog() async throws -> (pending: Int, oldestCreatedAt: Int64?) {
        let row = try await db.raw("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL").first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "oldest", as: Int64?.self) ?? nil)
    }

    func sinkBacklogs() async throws -> [SinkBacklog] {
        try await db.raw("""
            SELECT d.sink, COUNT(*) AS n, MIN(o.created_at) AS oldest
            FROM outbox_deliveries d JOIN outbox o ON o.id = d.event_id
            WHERE d.delivered_at IS NULL GROUP BY d.sink ORDER BY d.sink
            """).all().map { row in
            SinkBacklog(sink: try row.string("sink"), pending: try row.decode(column: "n", as: Int.self),
                        oldestCreatedAt: try row.decode(column: "oldest", as: Int64?.self))
        }
    }
}
