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

    func acceptNonces(_ nonces: [NonceRecord]) async throws -> [Bool] {
        // A pair listed twice is accepted once: its first listing.
        var firstIndex: [NonceRecord.Key: Int] = [:]
        for (index, record) in nonces.enumerated() where firstIndex[record.key] == nil { firstIndex[record.key] = index }
        let unique = nonces.enumerated().filter { firstIndex[$0.element.key] == $0.offset }.map(\.element)
        guard !unique.isEmpty else { return [] }
        var values = SQLQueryString("")
        for (index, record) in unique.enumerated() {
            values.appendInterpolation(SQLQueryString("\(unsafeRaw: index == 0 ? "" : ", ")(\(bind: record.kid), \(bind: record.nonce), \(bind: record.expireAt))"))
        }
        let inserted = try await db.raw("""
            INSERT INTO api_key_nonces (kid, nonce, expire_at) VALUES \(values)
            ON CONFLICT (kid, nonce) DO NOTHING RETURNING kid, nonce
            """).all().map { row in NonceRecord.Key(kid: try row.string("kid"), nonce: try row.int64("nonce")) }
        let accepted = Set(inserted)
        return nonces.enumerated().map { index, record in firstIndex[record.key] == index && accepted.contains(record.key) }
    }

    func countAttempt(key: String, window: Int64, now: Int64, nowMS: Int64) async throws -> Int? {
        // On PostgreSQL a second attempt on the same key waits for the first's
        // row lock, then sees its wait: parallel guesses are counted one by one.
        let row = try await db.raw("""
            INSERT INTO login_throttle (key, attempts, last_attempt, wait_until_ms) VALUES (\(bind: key), 1, \(bind: now), 0)
            ON CONFLICT (key) DO UPDATE SET
                attempts = CASE WHEN login_throttle.last_attempt <= \(bind: now - window) THEN 1 ELSE login_throttle.attempts + 1 END,
                last_attempt = excluded.last_attempt
            WHERE login_throttle.wait_until_ms <= \(bind: nowMS)
            RETURNING attempts
            """).first()
        return try row?.decode(column: "attempts", as: Int.self)
    }

    func releaseAttempt(key: String) async throws {
        try await db.raw("UPDATE login_throttle SET attempts = attempts - 1 WHERE key = \(bind: key) AND attempts > 0").run()
    }

    func holdAttempts(key: String, untilMS: Int64) async throws {
        try await db.raw("UPDATE login_throttle SET wait_until_ms = \(bind: untilMS) WHERE key = \(bind: key)").run()
    }

    func attemptsWait(key: String) async throws -> Int64? {
        try await db.raw("SELECT wait_until_ms FROM login_throttle WHERE key = \(bind: key)").first()
            .map { try $0.int64("wait_until_ms") }
    }

    func clearAttempts(key: String) async throws {
        try await db.raw("DELETE FROM login_throttle WHERE key = \(bind: key)").run()
    }

    func deleteExpiredLimits(nowMS: Int64, idleBefore: Int64) async throws {
        try await db.raw("DELETE FROM api_key_nonces WHERE expire_at <= \(bind: nowMS)").run()
        try await db.raw("DELETE FROM rate_limits WHERE window_start < \(bind: idleBefore)").run()
        try await db.raw("""
            DELETE FROM login_throttle WHERE last_attempt < \(bind: idleBefore) AND wait_until_ms <= \(bind: nowMS)
            """).run()
    }
}

extension NonceRecord {
    struct Key: Hashable {
        let kid: String
        let nonce: Int64
    }

    var key: Key { Key(kid: kid, nonce: nonce) }
}
