import PortcullisCore
import SQLKit

extension SQLTransaction {
    func replaceRecoveryCodes(userID: Int64, hashes: [String], now: Int64) async throws {
        try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
        for hash in hashes {
            try await db.raw("""
                INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (\(bind: userID), \(bind: hash), \(bind: now))
                """).run()
        }
    }

    /// One conditional UPDATE: of two racing uses, only one sees `used_at IS NULL`.
    func useRecoveryCode(userID: Int64, hash: String, now: Int64) async throws -> Bool {
        try await db.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: hash) AND used_at IS NULL RETURNING id
            """).first() != nil
    }

    func recoveryCodeStatus(userID: Int64) async throws -> RecoveryCodeStatus? {
        guard let row = try await db.raw("""
            SELECT COUNT(*) - COUNT(used_at) AS remaining, MIN(created_at) AS created_at
            FROM recovery_codes WHERE user_id = \(bind: userID)
            """).first(), let createdAt = try row.decode(column: "created_at", as: Int64?.self) else { return nil }
        return RecoveryCodeStatus(remaining: Int(try row.int64("remaining")), createdAt: createdAt)
    }

    func deleteRecoveryCodes(userID: Int64) async throws {
        try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
    }
}
