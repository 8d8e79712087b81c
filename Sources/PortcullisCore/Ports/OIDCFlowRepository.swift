/// An authorization code, stored by its SHA-256 (oidc.md §O3): single use,
/// bound to the client, the redirect URI, the PKCE challenge, the nonce and
/// the session it was issued in.
public struct OIDCCode: Sendable, Equatable {
    public var codeHash: String
    public var clientID: String
    public var userID: Int64
    public var sessionHash: String
    public var redirectURI: String
    public var codeChallenge: String
    public var nonce: String?
    public var scope: String
    public var authTime: Int64
    public var acr: String
    public var amr: [String]
    public var expiresAt: Int64
    public var usedAt: Int64?
    /// The token family the first exchange made (revoked on a second use).
    public var family: String?

    public init(codeHash: String, clientID: String, userID: Int64, sessionHash: String, redirectURI: String, codeChallenge: String,
                nonce: String?, scope: String, authTime: Int64, acr: String, amr: [String], expiresAt: Int64,
                usedAt: Int64? = nil, family: String? = nil) {
        self.codeHash = codeHash; self.clientID = clientID; self.userID = userID; self.sessionHash = sessionHash
        self.redirectURI = redirectURI; self.codeChallenge = codeChallenge; self.nonce = nonce; self.scope = scope
        self.authTime = authTime; self.acr = acr; self.amr = amr; self.expiresAt = expiresAt; self.usedAt = usedAt; self.family = family
    }
}

/// The tokens one grant produced: every access and refresh token of a code
/// exchange, its refreshes, or one client-credentials call. Revoking the
/// family ends them all.
public struct OIDCFamily: Sendable, Equatable {
    public var id: String
    public var clientID: String
    /// The person, or nil for a client-credentials family (then `serviceAccountID`).
    public var userID: Int64?
    public var serviceAccountID: Int64?
    public var revokedAt: Int64?

    public init(id: String, clientID: String, userID: Int64?, serviceAccountID: Int64?, revokedAt: Int64? = nil) {
        self.id = id; self.clientID = clientID; self.userID = userID; self.serviceAccountID = serviceAccountID; self.revokedAt = revokedAt
    }
}

/// A refresh token, stored by its SHA-256. Each use rotates it: the used
/// one keeps its row with `rotatedAt`, so a second use is recognised.
public struct OIDCRefreshToken: Sendable, Equatable {
    public var tokenHash: String
    public var family: String
    public var clientID: String
    public var userID: Int64
    public var scope: String
    public var authTime: Int64
    public var acr: String
    public var amr: [String]
    public var expiresAt: Int64
    public var rotatedAt: Int64?

    public init(tokenHash: String, family: String, clientID: String, userID: Int64, scope: String, authTime: Int64, acr: String,
                amr: [String], expiresAt: Int64, rotatedAt: Int64? = nil) {
        self.tokenHash = tokenHash; self.family = family; self.clientID = clientID; self.userID = userID; self.scope = scope
        self.authTime = authTime; self.acr = acr; self.amr = amr; self.expiresAt = expiresAt; self.rotatedAt = rotatedAt
    }
}

/// A user's remembered consent to a client's scopes.
public struct OIDCGrant: Sendable, Equatable {
    public var clientID: String
    public var clientName: String
    public var scopes: [String]
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(clientID: String, clientName: String, scopes: [String], createdAt: Int64, updatedAt: Int64) {
        self.clientID = clientID; self.clientName = clientName; self.scopes = scopes; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// Codes, token families, refresh tokens and consents.
public protocol OIDCFlowRepository: Sendable {
    func insertOIDCCode(_ code: OIDCCode, now: Int64) async throws
    /// Locked for update on PostgreSQL in a write transaction.
    func oidcCode(hash: String) async throws -> OIDCCode?
    func markOIDCCodeUsed(hash: String, family: String, now: Int64) async throws
    func insertOIDCFamily(_ family: OIDCFamily, now: Int64) async throws
    func oidcFamily(id: String) async throws -> OIDCFamily?
    /// True when it was live.
    func revokeOIDCFamily(id: String, now: Int64) async throws -> Bool
    /// Every live family of the user (sessions ended: password change, ban, freeze, "end all").
    func revokeOIDCFamilies(userID: Int64, clientID: String?, now: Int64) async throws
    func insertOIDCRefreshToken(_ token: OIDCRefreshToken, now: Int64) async throws
    /// Locked for update on PostgreSQL in a write transaction.
    func oidcRefreshToken(hash: String) async throws -> OIDCRefreshToken?
    func markOIDCRefreshTokenRotated(hash: String, now: Int64) async throws
    func oidcGrant(userID: Int64, clientID: String) async throws -> OIDCGrant?
    func upsertOIDCGrant(userID: Int64, clientID: String, scopes: [String], now: Int64) async throws
    func oidcGrants(userID: Int64) async throws -> [OIDCGrant]
    func deleteOIDCGrant(userID: Int64, clientID: String) async throws -> Bool
    /// Drops codes past their end (a day after, so a late second use is still recognised).
    func sweepOIDCCodes(before: Int64) async throws
}
