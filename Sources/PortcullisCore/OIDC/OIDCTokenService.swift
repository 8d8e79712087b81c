import Crypto
import Foundation

/// The token endpoint and what reads its tokens (oidc.md §O4): client
/// authentication, the three grants, userinfo, introspection, revocation.
public struct OIDCTokenService: Sendable {
    let store: any Store
    let clock: any ServerClock
    let signer: any OIDCTokenSigner
    public let issuer: String
    let events: EventWriter

    public init(store: any Store, clock: any ServerClock, signer: any OIDCTokenSigner, issuer: String, events: EventWriter) {
        self.store = store; self.clock = clock; self.signer = signer; self.issuer = issuer; self.events = events
    }

    /// How the client presented itself: HTTP Basic, form fields, or its id alone.
    public struct Presented: Sendable {
        public var clientID: String?
        public var secret: String?
        public var basic: Bool
        public init(clientID: String?, secret: String?, basic: Bool) { self.clientID = clientID; self.secret = secret; self.basic = basic }
    }

    public struct Issued: Sendable, Equatable {
        public var accessToken: String
        public var expiresIn: Int
        public var scope: String
        public var idToken: String?
        public var refreshToken: String?
    }

    /// A confidential client by its secret (constant time); a public client by
    /// its id alone, and refused when it sends a secret.
    public func authenticate(_ presented: Presented) async throws -> OIDCClient {
        guard let clientID = presented.clientID, !clientID.isEmpty,
              let client = try await store.read({ tx in try await tx.oidcClient(clientID: clientID) }) else {
            throw OAuthError.invalidClient("unknown client")
        }
        if client.confidential {
            guard let secret = presented.secret, OIDCClientService.secretMatches(secret, client) else {
                throw OAuthError.invalidClient("client authentication failed")
            }
        } else if presented.secret != nil {
            throw OAuthError.invalidClient("a public client has no secret")
        }
        return client
    }

    // MARK: Grants

    /// Resource indicators (RFC 8707) are not supported: a token's audience
    /// is always the client it was issued to, so `resource` may only name it.
    static func checkResource(_ resource: String?, client: OIDCClient) throws {
        guard let resource, resource != client.clientID else { return }
        throw OAuthError("invalid_target", "resource indicators are not supported; the audience is the client")
    }

    public func exchange(code: String, redirectURI: String, verifier: String, client: OIDCClient, resource: String?,
                         info: ClientInfo) async throws -> Issued {
        guard client.grantTypes.contains("authorization_code") else { throw OAuthError.unauthorizedClient("grant not allowed") }
        try Self.checkResource(resource, client: client)
        let now = clock.now()
        let family = SecureRandom.urlSafeToken(bytes: 16)
        // One transaction: the code is locked, checked and spent, or a second use revokes what the first made.
        let outcome: Result<(OIDCCode, User), OAuthError> = try await store.write { tx in
            guard let found = try await tx.oidcCode(hash: sha256Hex(code)) else {
                return .failure(.invalidGrant("unknown code"))
            }
            if found.usedAt != nil {
                if let first = found.family, try await tx.revokeOIDCFamily(id: first, now: now) {
                    try await tx.insertActivity(NewActivity(userID: found.userID, client: info, topic: "oidc", action: "code reuse",
                                                            result: "failed", data: ActivityData.reason(found.clientID), now: now))
                }
                return .failure(.invalidGrant("the code was used already; its tokens are revoked"))
            }
            // From here the code names its user: each refusal is an activity of theirs, with its reason.
            func refuse(_ why: String) async throws -> Result<(OIDCCode, User), OAuthError> {
                try await Self.recordRefusal(why, userID: found.userID, client: client, info: info, in: tx, now: now)
            }
            guard found.clientID == client.clientID else { return try await refuse("the code belongs to another client") }
            guard found.expiresAt > now else { return try await refuse("the code expired") }
            guard found.redirectURI == redirectURI, client.redirectURIs.contains(redirectURI) else {
                return try await refuse("redirect_uri does not match")
            }
            // The session the code was issued in must still be open: ended sessions (a password
            // change, "end all sessions", a sign-out) take their unredeemed codes with them.
            guard try await tx.sessionWithUser(idHash: found.sessionHash) != nil else {
                return try await refuse("the session that approved the code has ended")
            }
            guard PKCE.verifies(verifier, challenge: found.codeChallenge) else { return try await refuse("code_verifier does not match") }
            guard let user = try await tx.user(id: found.userID), user.state.canAuthenticate else {
                return try await refuse("the user may not sign in")
            }
            try await tx.markOIDCCodeUsed(hash: found.codeHash, family: family, now: now)
            try await tx.insertOIDCFamily(OIDCFamily(id: family, clientID: client.clientID, userID: user.id, serviceAccountID: nil), now: now)
            return .success((found, user))
        }
        let (found, user) = try outcome.get()
        return try await issue(to: client, user: user, family: family, scope: found.scope, authTime: found.authTime, acr: found.acr,
                               amr: found.amr, nonce: found.nonce, now: now)
    }

    public func refresh(token: String, scope requested: String?, client: OIDCClient, info: ClientInfo) async throws -> Issued {
        guard client.grantTypes.contains("refresh_token") else { throw OAuthError.unauthorizedClient("grant not allowed") }
        let now = clock.now()
        let events = self.events
        let outcome: Result<(OIDCRefreshToken, User, String, String), OAuthError> = try await store.write { tx in
            guard let found = try await tx.oidcRefreshToken(hash: sha256Hex(token)), found.clientID == client.clientID else {
                return .failure(.invalidGrant("unknown refresh token"))
            }
            if found.rotatedAt != nil {
                // A rotated token used again: someone holds a copy. The whole family ends.
                if try await tx.revokeOIDCFamily(id: found.family, now: now), let user = try await tx.user(id: found.userID) {
                    try await tx.insertActivity(NewActivity(userID: user.id, client: info, topic: "oidc", action: "refresh token reuse",
                                                            result: "failed", data: ActivityData.reason(client.clientID), now: now))
                    try await events.emit(EventName.oidcTokenReuse, user: user, extra: ["client_id": client.clientID],
                                          withDomain: false, in: tx, now: now)
                }
                return .failure(.invalidGrant("the refresh token was used already; its family is revoked"))
            }
            func refuse(_ why: String, _ error: OAuthError? = nil) async throws -> Result<(OIDCRefreshToken, User, String, String), OAuthError> {
                try await Self.recordRefusal(why, error, userID: found.userID, client: client, info: info, in: tx, now: now)
            }
            guard found.expiresAt > now else { return try await refuse("the refresh token expired") }
            guard let family = try await tx.oidcFamily(id: found.family), family.revokedAt == nil else {
                return try await refuse("the refresh token is revoked")
            }
            guard let user = try await tx.user(id: found.userID), user.state.canAuthenticate else {
                return try await refuse("the user may not sign in")
            }
            // What the client may still ask: scopes an operator removed since are not refreshed.
            let granted = OIDCScopes.parse(found.scope).filter(client.scopes.contains)
            let scopes = requested.map(OIDCScopes.parse) ?? granted
            guard !scopes.isEmpty, Set(scopes).isSubset(of: Set(granted)) else {
                return try await refuse("a scope beyond the grant", .invalidScope("beyond the grant"))
            }
            try await tx.markOIDCRefreshTokenRotated(hash: found.tokenHash, now: now)
            return .success((found, user, scopes.joined(separator: " "), granted.joined(separator: " ")))
        }
        let (found, user, scope, kept) = try outcome.get()
        return try await issue(to: client, user: user, family: found.family, scope: scope, authTime: found.authTime, acr: found.acr,
                               amr: found.amr, nonce: nil, now: now, keepRefreshScope: kept)
    }

    /// A token for the service account linked to the client, never for a person.
    public func clientCredentials(scope requested: String?, client: OIDCClient, resource: String?) async throws -> Issued {
        guard client.confidential, client.grantTypes.contains("client_credentials"), let accountID = client.serviceAccountID else {
            throw OAuthError.unauthorizedClient("grant not allowed")
        }
        try Self.checkResource(resource, client: client)
        let allowed = client.scopes.filter { $0 != "openid" && $0 != "offline_access" }
        let scopes = requested.map(OIDCScopes.parse) ?? allowed
        guard Set(scopes).isSubset(of: Set(allowed)) else { throw OAuthError.invalidScope("a scope the client may not ask") }
        let now = clock.now()
        let family = SecureRandom.urlSafeToken(bytes: 16)
        let account = try await store.write { tx -> ServiceAccount? in
            guard let account = try await tx.serviceAccount(id: accountID), account.state == "active" else { return nil }
            try await tx.insertOIDCFamily(OIDCFamily(id: family, clientID: client.clientID, userID: nil, serviceAccountID: account.id),
                                          now: now)
            return account
        }
        guard let account else { throw OAuthError.invalidGrant("the service account is not active") }
        let scope = scopes.joined(separator: " ")
        let kyc = scopes.contains("kyc")
            ? OIDCAccessClaims.KYCClaims(uid: account.uid, email: account.email, role: account.role, level: account.level, state: account.state)
            : nil
        let claims = OIDCAccessClaims(iss: issuer, sub: account.uid, aud: client.clientID, clientID: client.clientID,
                                      scope: scope, jti: SecureRandom.urlSafeToken(bytes: 12), iat: now,
                                      exp: now + Int64(client.accessTokenLifetime), authTime: nil, family: family, kyc: kyc)
        return Issued(accessToken: try await signer.sign(access: claims), expiresIn: client.accessTokenLifetime, scope: scope,
                      idToken: nil, refreshToken: nil)
    }

    /// A refusal of a code or refresh token that names its user: an activity
    /// of theirs (topic `oidc`, action `token`, the client and the reason),
    /// written with the refusal. A token or client that names no one is
    /// answered without a row: activities belong to users, and an anonymous
    /// caller must not fill the table.
    static func recordRefusal<T>(_ why: String, _ error: OAuthError? = nil, userID: Int64, client: OIDCClient, info: ClientInfo,
                                 in tx: any StoreTransaction, now: Int64) async throws -> Result<T, OAuthError> {
        try await tx.insertActivity(NewActivity(userID: userID, client: info, topic: "oidc", action: "token", result: "failed",
                                                data: ActivityData.reason("\(client.clientID): \(why)"), now: now))
        return .failure(error ?? .invalidGrant(why))
    }

    private func issue(to client: OIDCClient, user: User, family: String, scope: String, authTime: Int64, acr: String, amr: [String],
                       nonce: String?, now: Int64, keepRefreshScope: String? = nil) async throws -> Issued {
        let scopes = OIDCScopes.parse(scope)
        let info = try await store.read { tx in try await tx.fullInfo(of: user) }
        let kyc = scopes.contains("kyc")
            ? OIDCAccessClaims.KYCClaims(uid: user.uid, email: user.email, role: user.role, level: user.level, state: user.state.rawValue)
            : nil
        let access = OIDCAccessClaims(iss: issuer, sub: user.uid, aud: client.clientID, clientID: client.clientID,
                                      scope: scope, jti: SecureRandom.urlSafeToken(bytes: 12), iat: now,
                                      exp: now + Int64(client.accessTokenLifetime), authTime: authTime, family: family, kyc: kyc)
        let accessToken = try await signer.sign(access: access)
        var idToken: String?
        if scopes.contains("openid") {
            let email = scopes.contains("email")
            var claims = OIDCIDClaims(
                iss: issuer, sub: user.uid, aud: client.clientID, iat: now, exp: now + Int64(client.idTokenLifetime), authTime: authTime,
                nonce: nonce, acr: acr, amr: amr, azp: client.clientID, email: email ? user.email : nil,
                emailVerified: email ? Self.emailVerified(info) : nil, preferredUsername: scopes.contains("profile") ? user.username : nil
            )
            claims.atHash = Self.atHash(accessToken)
            idToken = try await signer.sign(id: claims)
        }
        var refresh: String?
        let refreshScope = keepRefreshScope ?? scope
        if OIDCScopes.parse(refreshScope).contains("offline_access"), client.grantTypes.contains("refresh_token") {
            let token = SecureRandom.urlSafeToken(bytes: 32)
            try await store.write { tx in
                try await tx.insertOIDCRefreshToken(OIDCRefreshToken(
                    tokenHash: sha256Hex(token), family: family, clientID: client.clientID, userID: user.id, scope: refreshScope,
                    authTime: authTime, acr: acr, amr: amr, expiresAt: now + Int64(client.refreshTokenLifetime)
                ), now: now)
            }
            refresh = token
        }
        return Issued(accessToken: accessToken, expiresIn: client.accessTokenLifetime, scope: scope, idToken: idToken,
                      refreshToken: refresh)
    }

    /// `at_hash` (OpenID Connect Core §3.1.3.6): the left half of the access token's SHA-256 (RS256), base64url.
    static func atHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8)).prefix(16)))
    }

    static func emailVerified(_ info: UserFullInfo) -> Bool {
        info.labels.contains { $0.key == "email" && $0.value == "verified" && $0.scope == "private" }
    }

    // MARK: Reading tokens

    /// The claims of a live access token whose family is not revoked and whose user may still sign in.
    public func liveAccess(_ token: String) async throws -> (OIDCAccessClaims, User?)? {
        guard let claims = await signer.verifyAccess(token), claims.iss == issuer, claims.exp > clock.now() else { return nil }
        return try await store.read { tx -> (OIDCAccessClaims, User?)? in
            guard let family = try await tx.oidcFamily(id: claims.family), family.revokedAt == nil,
                  family.clientID == claims.clientID else { return nil }
            guard let userID = family.userID else { return (claims, nil) }
            guard let user = try await tx.user(id: userID), user.state.canAuthenticate, user.uid == claims.sub else { return nil }
            return (claims, user)
        }
    }

    /// `userinfo`: the claims the access token's scopes release.
    public func userinfo(accessToken: String) async throws -> [(String, UserinfoValue)] {
        guard let (claims, found) = try await liveAccess(accessToken), let user = found else {
            throw OAuthError.invalidToken("the access token is not valid")
        }
        let scopes = OIDCScopes.parse(claims.scope)
        guard scopes.contains("openid") else { throw OAuthError("insufficient_scope", "userinfo needs the openid scope", status: 403) }
        var answer: [(String, UserinfoValue)] = [("sub", .text(user.uid))]
        if scopes.contains("email") {
            let info = try await store.read { tx in try await tx.fullInfo(of: user) }
            answer += [("email", .text(user.email)), ("email_verified", .flag(Self.emailVerified(info)))]
        }
        if scopes.contains("profile"), let username = user.username { answer.append(("preferred_username", .text(username))) }
        if scopes.contains("kyc") {
            answer += [("level", .number(Int64(user.level))), ("role", .text(user.role)), ("state", .text(user.state.rawValue))]
        }
        return answer
    }

    public enum UserinfoValue: Sendable, Equatable {
        case text(String), flag(Bool), number(Int64)
    }

    /// RFC 7662 for a confidential client: an access token (any client's, it
    /// is this server's) or a refresh token of this client; nil = inactive.
    public func introspect(_ token: String, by client: OIDCClient) async throws -> Introspection? {
        guard client.confidential else { throw OAuthError.unauthorizedClient("introspection is for confidential clients") }
        if let (claims, user) = try await liveAccess(token) {
            // A client learns about its own tokens only, and an email only when the token may release it.
            guard claims.clientID == client.clientID else { return nil }
            let email = OIDCScopes.parse(claims.scope).contains("email") ? user?.email : nil
            return Introspection(scope: claims.scope, clientID: claims.clientID, sub: claims.sub, username: email, exp: claims.exp,
                                 iat: claims.iat, aud: claims.aud, tokenType: "Bearer", kind: "access_token")
        }
        let now = clock.now()
        return try await store.read { tx -> Introspection? in
            guard let found = try await tx.oidcRefreshToken(hash: sha256Hex(token)), found.clientID == client.clientID,
                  found.rotatedAt == nil, found.expiresAt > now,
                  let family = try await tx.oidcFamily(id: found.family), family.revokedAt == nil,
                  let user = try await tx.user(id: found.userID), user.state.canAuthenticate else { return nil }
            let email = OIDCScopes.parse(found.scope).contains("email") ? user.email : nil
            return Introspection(scope: found.scope, clientID: found.clientID, sub: user.uid, username: email, exp: found.expiresAt,
                                 iat: nil, aud: found.clientID, tokenType: "refresh_token", kind: "refresh_token")
        }
    }

    public struct Introspection: Sendable, Equatable {
        public var scope, clientID, sub: String
        public var username: String?
        public var exp: Int64
        public var iat: Int64?
        public var aud: String
        public var tokenType: String
        public var kind: String
    }

    /// RFC 7009: the token's family ends when it is this client's; an unknown
    /// or foreign token is answered the same (200), revoking nothing.
    public func revoke(_ token: String, by client: OIDCClient) async throws {
        let now = clock.now()
        if let claims = await signer.verifyAccess(token), claims.iss == issuer, claims.clientID == client.clientID {
            _ = try await store.write { tx in try await tx.revokeOIDCFamily(id: claims.family, now: now) }
            return
        }
        try await store.write { tx in
            guard let found = try await tx.oidcRefreshToken(hash: sha256Hex(token)), found.clientID == client.clientID else { return }
            _ = try await tx.revokeOIDCFamily(id: found.family, now: now)
        }
    }
}

extension OIDCTokenService: BearerAccessVerifier {
    public func gatewayUser(forAccessToken token: String) async throws -> (user: User, expiresAt: Int64)? {
        guard let (claims, user) = try await liveAccess(token), let user,
              OIDCScopes.parse(claims.scope).contains(OIDCVocabulary.gatewayScope) else { return nil }
        // The client must still be allowed the scope: an operator taking it away stops tokens already issued.
        let client = try await store.read { tx in try await tx.oidcClient(clientID: claims.clientID) }
        guard client?.scopes.contains(OIDCVocabulary.gatewayScope) == true else { return nil }
        return (user, claims.exp)
    }
}
