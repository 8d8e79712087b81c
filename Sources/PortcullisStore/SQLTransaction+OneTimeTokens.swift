import PortcullisCore
import SQLKit

extension SQLTransaction {
    func markTokenUsed(hash: String, kind: String, userID: Int64?, expireAt: Int64, now: Int64) async throws -> Bool {
        let inserted = try await db.raw("""
            INSERT INTO one_time_tokens (token_hash, kind, user_id, expire_at, created_at)
            VALUES (\(bind: hash), \(bind: kind), \(bind: userID), \(bind: expireAt), \(bind: now))
            ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash
            """).first()
        return inserted != nil
    }

    func isTokenUsed(hash: String, kind: String, now: Int64) async throws -> Bool {
        try await db.raw("""
            SELECT token_hash FROM one_time_tokens WHERE token_hash = \(bind: hash) AND kind = \(bind: kind)
            """).first() != nil
    }

    /// One upsert on the one-reset-per-user index: concurrent requests leave exactly one secret.
    func replaceResetSecret(userID: Int64, hash: String, expireAt: Int64, now: Int64) async throws {
        try await db.raw("""
            INSERT INTO one_time_tokens (token_hash, kind, user_id, expire_at, created_at)
            VALUES (\(bind: hash), 'reset', \(bind: userID), \(bind: expireAt), \(bind: now))
            ON CONFLICT (user_id) WHERE kind = 'reset' DO UPDATE
            SET token_hash = excluded.token_hash, expire_at = excluded.expire_at, created_at = excluded.created_at
            """).run()
    }

    func currentResetSecret(userID: Int64, now: Int64) async throws -> String? {
        try await db.raw("""
            SELECT token_hash FROM one_time_tokens
            WHERE kind = 'reset' AND user_id = \(bind: userID) AND expire_at > \(bind: now)
            """).first()?.string("token_hash")
    }

    func deleteResetSecret(userID: Int64) async throws {
        try await db.raw("DELETE FROM one_time_tokens WHERE kind = 'reset' AND user_id = \(bind: userID)").run()
    }

    func deleteExpiredTokens(now: Int64) async throws {
        try await db.raw("DELETE FROM one_time_tokens WHERE expire_at <= \(bind: now)").run()
    }
}

extension SQLTransaction {
    func consumeToken(hash: String, kind: String, now: Int64) async throws -> Bool {
        try await db.raw("""
            DELETE FROM one_time_tokens WHERE token_hash = \(bind: hash) AND kind = \(bind: kind) AND expire_at > \(bind: now)
            RETURNING token_hash
            """).first() != nil
    }
}
