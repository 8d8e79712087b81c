import PortcullisCore
import SQLKit

/// Each method is one upsert, atomic on SQLite and PostgreSQL alike.
extension SQLTransaction {
    func hit(key: String, window: Int64, now: Int64) async throws -> Int {
        let cutoff = now - window
        let row = try await db.raw("""
            INSERT INTO rate_limits (key, hits, window_start) VALUES (\(bind: key), 1, \(bind: now))
            ON CONFLICT (key) DO UPDATE SET
                hits = CASE WHEN rate_limits.window_start <= \(bind: cutoff) THEN 1 ELSE rate_limits.hits + 1 END,
                window_start = CASE WHEN rate_limits.window_start <= \(bind: cutoff)
                                    THEN excluded.window_start ELSE rate_limits.window_start END
            RETURNING hits
            """).first()
        return try row?.decode(column: "hits", as: Int.self) ?? 1
    }

    func clearHits(key: String) async throws {
        try await db.raw("DELETE FROM rate_limits WHERE key = \(bind: key)").run()
    }

    func claimSlot(key: String, interval: Int64, now: Int64) async throws -> Bool {
        try await db.raw("""
            INSERT INTO rate_limits (key, hits, window_start) VALUES (\(bind: key), 1, \(bind: now))
            ON CONFLICT (key) DO UPDATE SET hits = 1, window_start = excluded.window_start
            WHERE rate_limits.window_start <= \(bind: now - interval)
            RETURNING key
            """).first() != nil
    }

    func acceptNonce(kid: String, nonce: Int64, expireAt: Int64) async throws -> Bool {
        try await db.raw("""
            INSERT INTO api_key_nonces (kid, nonce, expire_at) VALUES (\(bind: kid), \(bind: nonce), \(bind: expireAt))
            ON CONFLICT (kid, nonce) DO NOTHING RETURNING kid
            """).first() != nil
    }

    func deleteExpiredLimits(nowMS: Int64, idleBefore: Int64) async throws {
        try await db.raw("DELETE FROM api_key_nonces WHERE expire_at <= \(bind: nowMS)").run()
        try await db.raw("DELETE FROM rate_limits WHERE window_start < \(bind: idleBefore)").run()
    }
}
