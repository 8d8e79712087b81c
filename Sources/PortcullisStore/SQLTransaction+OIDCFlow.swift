import PortcullisCore
import SQLKit

/// Codes, token families, refresh tokens and consents of the OpenID Connect flow.
extension SQLTransaction {
    func insertOIDCCode(_ c: OIDCCode, now: Int64) async throws {
        try await db.raw("""
            INSERT INTO oidc_codes (code_hash, client_id, user_id, session_hash, redirect_uri, code_challenge, nonce, scope,
                auth_time, acr, amr, expires_at, created_at)
            VALUES (\(bind: c.codeHash), \(bind: c.clientID), \(bind: c.userID), \(bind: c.sessionHash), \(bind: c.redirectURI),
                \(bind: c.codeChallenge), \(bind: c.nonce), \(bind: c.scope), \(bind: c.authTime), \(bind: c.acr),
                \(bind: Self.jsonList(c.amr)), \(bind: c.expiresAt), \(bind: now))
            """).run()
    }

    func oidcCode(hash: String) async throws -> OIDCCode? {
        try await db.raw("""
            SELECT code_hash, client_id, user_id, session_hash, redirect_uri, code_challenge, nonce, scope, auth_time, acr, amr,
                expires_at, used_at, family FROM oidc_codes WHERE code_hash = \(bind: hash)\(unsafeRaw: rowLock)
            """).first().map { row in
            OIDCCode(codeHash: try row.string("code_hash"), clientID: try row.string("client_id"), userID: try row.int64("user_id"),
                     sessionHash: try row.string("session_hash"), redirectURI: try row.string("redirect_uri"),
                     codeChallenge: try row.string("code_challenge"), nonce: try row.optionalString("nonce"),
                     scope: try row.string("scope"), authTime: try row.int64("auth_time"), acr: try row.string("acr"),
                     amr: Self.list(try row.string("amr")), expiresAt: try row.int64("expires_at"),
                     usedAt: try row.optionalInt64("used_at"), family: try row.optionalString("family"))
        }
    }

    func markOIDCCodeUsed(hash: String, family: String, now: Int64) async throws {
        try await db.raw("UPDATE oidc_codes SET used_at = \(bind: now), family = \(bind: family) WHERE code_hash = \(bind: hash)").run()
    }

    func insertOIDCFamily(_ f: OIDCFamily, now: Int64) async throws {
        try await db.raw("""
            INSERT INTO oidc_families (id, client_id, user_id, service_account_id, created_at)
            VALUES (\(bind: f.id), \(bind: f.clientID), \(bind: f.userID), \(bind: f.serviceAccountID), \(bind: now))
            """).run()
    }

    func oidcFamily(id: String) async throws -> OIDCFamily? {
        try await db.raw("""
            SELECT id, client_id, user_id, service_account_id, revoked_at FROM oidc_families WHERE id = \(bind: id)
            """).first().map { row in
            OIDCFamily(id: try row.string("id"), clientID: try row.string("client_id"), userID: try row.optionalInt64("user_id"),
                       serviceAccountID: try row.optionalInt64("service_account_id"), revokedAt: try row.optionalInt64("revoked_at"))
        }
    }

    func revokeOIDCFamily(id: String, now: Int64) async throws -> Bool {
        try await db.raw("""
            UPDATE oidc_families SET revoked_at = \(bind: now) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id
            """).first() != nil
    }

    func revokeOIDCFamilies(userID: Int64, clientID: String?, now: Int64) async throws {
        if let clientID {
            try await db.raw("""
                UPDATE oidc_families SET revoked_at = \(bind: now)
                WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) AND revoked_at IS NULL
                """).run()
        } else {
            try await db.raw("""
                UPDATE oidc_families SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND revoked_at IS NULL
                """).run()
        }
    }

    func insertOIDCRefreshToken(_ t: OIDCRefreshToken, now: Int64) async throws {
        try await db.raw("""
            INSERT INTO oidc_refresh_tokens (token_hash, family, client_id, user_id, scope, auth_time, acr, amr, expires_at, created_at)
            VALUES (\(bind: t.tokenHash), \(bind: t.family), \(bind: t.clientID), \(bind: t.userID), \(bind: t.scope),
                \(bind: t.authTime), \(bind: t.acr), \(bind: Self.jsonList(t.amr)), \(bind: t.expiresAt), \(bind: now))
            """).run()
    }

    func oidcRefreshToken(hash: String) async throws -> OIDCRefreshToken? {
        try await db.raw("""
            SELECT token_hash, family, client_id, user_id, scope, auth_time, acr, amr, expires_at, rotated_at
            FROM oidc_refresh_tokens WHERE token_hash = \(bind: hash)\(unsafeRaw: rowLock)
            """).first().map { row in
            OIDCRefreshToken(tokenHash: try row.string("token_hash"), family: try row.string("family"),
                             clientID: try row.string("client_id"), userID: try row.int64("user_id"), scope: try row.string("scope"),
                             authTime: try row.int64("auth_time"), acr: try row.string("acr"), amr: Self.list(try row.string("amr")),
                             expiresAt: try row.int64("expires_at"), rotatedAt: try row.optionalInt64("rotated_at"))
        }
    }

    func markOIDCRefreshTokenRotated(hash: String, now: Int64) async throws {
        try await db.raw("UPDATE oidc_refresh_tokens SET rotated_at = \(bind: now) WHERE token_hash = \(bind: hash)").run()
    }

    func oidcGrant(userID: Int64, clientID: String) async throws -> OIDCGrant? {
        try await grants(userID: userID, clientID: clientID).first
    }

    func upsertOIDCGrant(userID: Int64, clientID: String, scopes: [String], now: Int64) async throws {
        try await db.raw("""
            INSERT INTO oidc_grants (user_id, client_id, scopes, created_at, updated_at)
            VALUES (\(bind: userID), \(bind: clientID), \(bind: Self.jsonList(scopes)), \(bind: now), \(bind: now))
            ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at
            """).run()
    }

    func oidcGrants(userID: Int64) async throws -> [OIDCGrant] {
        try await grants(userID: userID, clientID: nil)
    }

    func deleteOIDCGrant(userID: Int64, clientID: String) async throws -> Bool {
        try await db.raw("""
            DELETE FROM oidc_grants WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) RETURNING client_id
            """).first() != nil
    }

    func sweepOIDCCodes(before: Int64) async throws {
        try await db.raw("DELETE FROM oidc_codes WHERE expires_at < \(bind: before)").run()
    }

    private func grants(userID: Int64, clientID: String?) async throws -> [OIDCGrant] {
        let oneClient: SQLQueryString = clientID.map { "AND g.client_id = \(bind: $0)" } ?? ""
        return try await db.raw("""
            SELECT g.client_id, c.name, g.scopes, g.created_at, g.updated_at FROM oidc_grants g
            JOIN oidc_clients c ON c.client_id = g.client_id
            WHERE g.user_id = \(bind: userID) \(oneClient)
            ORDER BY g.updated_at DESC, g.client_id
            """).all().map { row in
            OIDCGrant(clientID: try row.string("client_id"), clientName: try row.string("name"), scopes: Self.list(try row.string("scopes")),
                      createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
        }
    }
}
