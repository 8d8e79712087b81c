import PortcullisCore
import SQLKit

/// Passkeys, users' WebAuthn handles and challenges.
extension SQLTransaction {
    static let passkeyColumns = """
        id, user_id, credential_id, public_key, algorithm, sign_count, transports, backed_up, name, created_at, last_used_at
        """

    func passkeyHandle(userID: Int64) async throws -> String? {
        try await db.raw("SELECT handle FROM passkey_handles WHERE user_id = \(bind: userID)").first()
            .map { try $0.string("handle") }
    }

    func insertPasskeyHandle(userID: Int64, handle: String) async throws {
        try await db.raw("INSERT INTO passkey_handles (user_id, handle) VALUES (\(bind: userID), \(bind: handle))").run()
    }

    func passkeys(userID: Int64) async throws -> [Passkey] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.passkeyColumns) FROM passkeys WHERE user_id = \(bind: userID) ORDER BY id
            """).all().map(Self.passkey)
    }

    func passkey(credentialID: String) async throws -> Passkey? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.passkeyColumns) FROM passkeys WHERE credential_id = \(bind: credentialID)
            """).first().map(Self.passkey)
    }

    func insertPasskey(_ p: Passkey) async throws -> Passkey {
        try await mapDuplicate {
            let row = try await db.raw("""
                INSERT INTO passkeys (user_id, credential_id, public_key, algorithm, sign_count, transports, backed_up, name, created_at)
                VALUES (\(bind: p.userID), \(bind: p.credentialID), \(bind: p.publicKey), \(bind: p.algorithm), \(bind: p.signCount),
                        \(bind: p.transports.joined(separator: ",")), \(bind: p.backedUp ? 1 : 0), \(bind: p.name), \(bind: p.createdAt))
                RETURNING \(unsafeRaw: Self.passkeyColumns)
                """).first()
            guard let row else { throw DuplicateRecord(field: "credential_id") }
            return try Self.passkey(from: row)
        }
    }

    func recordPasskeyUse(id: Int64, signCount: Int64, backedUp: Bool, at: Int64) async throws -> Bool {
        // The counter rule checked again where it is written: two assertions
        // racing with one count cannot both pass.
        try await db.raw("""
            UPDATE passkeys SET sign_count = \(bind: signCount), backed_up = \(bind: backedUp ? 1 : 0), last_used_at = \(bind: at)
            WHERE id = \(bind: id) AND (sign_count < \(bind: signCount) OR (sign_count = 0 AND \(bind: signCount) = 0))
            RETURNING id
            """).first() != nil
    }

    func deletePasskey(userID: Int64, id: Int64) async throws -> Bool {
        try await db.raw("DELETE FROM passkeys WHERE user_id = \(bind: userID) AND id = \(bind: id) RETURNING id").first() != nil
    }

    func insertChallenge(_ c: WebAuthnChallenge) async throws {
        try await db.raw("""
            INSERT INTO webauthn_challenges (challenge_hash, purpose, session_hash, user_id, action, expires_at)
            VALUES (\(bind: c.hash), \(bind: c.purpose.rawValue), \(bind: c.sessionHash), \(bind: c.userID), \(bind: c.action),
                    \(bind: c.expiresAt))
            """).run()
    }

    func takeChallenge(hash: String, purpose: ChallengePurpose, now: Int64) async throws -> WebAuthnChallenge? {
        try await db.raw("""
            DELETE FROM webauthn_challenges
            WHERE challenge_hash = \(bind: hash) AND purpose = \(bind: purpose.rawValue) AND expires_at > \(bind: now)
            RETURNING session_hash, user_id, action, expires_at
            """).first().map { row in
            WebAuthnChallenge(hash: hash, purpose: purpose, sessionHash: try row.optionalString("session_hash"),
                              userID: try row.optionalInt64("user_id"), action: try row.optionalString("action"),
                              expiresAt: try row.int64("expires_at"))
        }
    }

    func deleteStepUpChallenges(userID: Int64) async throws {
        try await db.raw("""
            DELETE FROM webauthn_challenges WHERE user_id = \(bind: userID) AND purpose = \(bind: ChallengePurpose.stepUp.rawValue)
            """).run()
    }

    func trimStepUpChallenges(userID: Int64, keep: Int) async throws {
        let purpose = ChallengePurpose.stepUp.rawValue
        try await db.raw("""
            DELETE FROM webauthn_challenges WHERE user_id = \(bind: userID) AND purpose = \(bind: purpose)
            AND challenge_hash NOT IN (
                SELECT challenge_hash FROM webauthn_challenges WHERE user_id = \(bind: userID) AND purpose = \(bind: purpose)
                ORDER BY expires_at DESC LIMIT \(bind: keep))
            """).run()
    }

    func deleteExpiredChallenges(now: Int64) async throws {
        try await db.raw("DELETE FROM webauthn_challenges WHERE expires_at <= \(bind: now)").run()
    }

    static func passkey(from row: any SQLRow) throws -> Passkey {
        let transports = try row.string("transports")
        return Passkey(
            id: try row.int64("id"), userID: try row.int64("user_id"), credentialID: try row.string("credential_id"),
            publicKey: try row.string("public_key"), algorithm: try row.int64("algorithm"), signCount: try row.int64("sign_count"),
            transports: transports.isEmpty ? [] : transports.split(separator: ",").map(String.init),
            backedUp: try row.int64("backed_up") != 0, name: try row.string("name"), createdAt: try row.int64("created_at"),
            lastUsedAt: try row.optionalInt64("last_used_at")
        )
    }
}
