import PortcullisCore
import SQLKit

/// The admin console's sessions and the dashboard's counts.
extension SQLTransaction {
    static let consoleSessionColumns = "id_hash, user_id, csrf_token, user_ip, user_agent, created_at, last_seen_at"

    func insertConsoleSession(_ s: ConsoleSessionRecord) async throws {
        try await db.raw("""
            INSERT INTO console_sessions (\(unsafeRaw: Self.consoleSessionColumns))
            VALUES (\(bind: s.idHash), \(bind: s.userID), \(bind: s.csrfToken), \(bind: s.userIP), \(bind: s.userAgent),
                    \(bind: s.createdAt), \(bind: s.lastSeenAt))
            """).run()
    }

    func consoleSession(idHash: String) async throws -> ConsoleSessionRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.consoleSessionColumns) FROM console_sessions WHERE id_hash = \(bind: idHash)
            """).first().map { row in
            ConsoleSessionRecord(
                idHash: try row.string("id_hash"), userID: try row.int64("user_id"), csrfToken: try row.string("csrf_token"),
                userIP: try row.string("user_ip"), userAgent: try row.string("user_agent"),
                createdAt: try row.int64("created_at"), lastSeenAt: try row.int64("last_seen_at")
            )
        }
    }

    func touchConsoleSession(idHash: String, at: Int64) async throws {
        try await db.raw("UPDATE console_sessions SET last_seen_at = \(bind: at) WHERE id_hash = \(bind: idHash)").run()
    }

    func deleteConsoleSession(idHash: String) async throws {
        try await db.raw("DELETE FROM console_sessions WHERE id_hash = \(bind: idHash)").run()
    }

    func deleteConsoleSessions(seenBefore before: Int64) async throws -> Int {
        try await db.raw("DELETE FROM console_sessions WHERE last_seen_at < \(bind: before) RETURNING id_hash").all().count
    }

    func userCounts() async throws -> (states: [(String, Int)], levels: [(Int, Int)]) {
        let states = try await db.raw("SELECT state, COUNT(*) AS n FROM users GROUP BY state ORDER BY state").all()
            .map { (try $0.string("state"), try $0.decode(column: "n", as: Int.self)) }
        let levels = try await db.raw("SELECT level, COUNT(*) AS n FROM users GROUP BY level ORDER BY level").all()
            .map { (try $0.decode(column: "level", as: Int.self), try $0.decode(column: "n", as: Int.self)) }
        return (states, levels)
    }

    func countProfiles(state: String) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM profiles WHERE state = \(bind: state)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    func activityCounts(topic: String, action: String, result: String, since: Int64,
                        bucketSeconds: Int64) async throws -> [(bucket: Int64, count: Int)] {
        try await db.raw("""
            SELECT created_at / \(bind: bucketSeconds) AS bucket, COUNT(*) AS n FROM activities
            WHERE user_id IS NOT NULL AND category = 'user' AND topic = \(bind: topic) AND action = \(bind: action)
              AND result = \(bind: result) AND created_at >= \(bind: since)
            GROUP BY 1 ORDER BY 1
            """).all().map { row in (try row.int64("bucket"), try row.decode(column: "n", as: Int.self)) }
    }
}
