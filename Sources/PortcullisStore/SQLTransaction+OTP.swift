import PortcullisCore
import SQLKit

extension SQLTransaction {
    func otpSecret(userID: Int64) async throws -> OTPSecretRecord? {
        try await db.raw("SELECT secret_encrypted, last_used_step FROM otp_secrets WHERE user_id = \(bind: userID)")
            .first().map { row in
                OTPSecretRecord(sealedSecret: try row.string("secret_encrypted"), lastUsedStep: try row.int64("last_used_step"))
            }
    }

    func replaceOTPSecret(userID: Int64, sealed: String, now: Int64) async throws {
        try await db.raw("""
            INSERT INTO otp_secrets (user_id, secret_encrypted, last_used_step, created_at)
            VALUES (\(bind: userID), \(bind: sealed), 0, \(bind: now))
            ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = excluded.secret_encrypted, last_used_step = 0,
                created_at = excluded.created_at
            """).run()
    }

    func advanceOTPStep(userID: Int64, to step: Int64) async throws -> Bool {
        try await db.raw("""
            UPDATE otp_secrets SET last_used_step = \(bind: step)
            WHERE user_id = \(bind: userID) AND last_used_step < \(bind: step) RETURNING user_id
            """).first() != nil
    }

    func deleteOTPSecret(userID: Int64) async throws {
        try await db.raw("DELETE FROM otp_secrets WHERE user_id = \(bind: userID)").run()
    }
}
