/// The gateway's question: may this request pass, and as whom?
/// Order: block → pass → authentication (API key or cookie) → permissions.
public struct AuthorizeService: Sendable {
    let rules: AccessRules
    let sessions: SessionService
    let apiKeys: APIKeyAuthenticator
    let permissions: PermissionGate
    let issuer: any AccessTokenIssuer
    let csrfProtection: Bool
    /// OpenID Connect access tokens as bearers (`oidc_gateway_tokens`); nil = a bearer is not read.
    let oidcBearers: (any BearerAccessVerifier)?
    /// Roles an app's token never acts for: the operators' (abilities.yml), whose powers stay with their own sessions.
    let operatorRoles: Set<String>

    public init(rules: AccessRules, sessions: SessionService, apiKeys: APIKeyAuthenticator, permissions: PermissionGate,
                issuer: any AccessTokenIssuer, csrfProtection: Bool, oidcBearers: (any BearerAccessVerifier)? = nil,
                operatorRoles: Set<String> = []) {
        self.rules = rules; self.sessions = sessions; self.apiKeys = apiKeys; self.permissions = permissions
        self.issuer = issuer; self.csrfProtection = csrfProtection; self.oidcBearers = oidcBearers; self.operatorRoles = operatorRoles
    }

    public func authorize(_ request: AuthorizeRequest) async throws -> AuthorizeOutcome {
        if let outcome = try ruled(request) { return outcome }
        let identity: AccessIdentity
        let user: User?
        let reuseKey: String
        var notAfter: Int64?
        if request.usesAPIKey {
            (identity, user) = try await apiKeys.authenticate(kid: request.apiKey, nonce: request.nonce, signature: request.signature)
            reuseKey = "k:" + (request.apiKey ?? "")
        } else if usesBearer(request), let bearer = request.bearer, let oidcBearers {
            // An app's OpenID Connect access token with the `exchange` scope: it acts as its user, with the user's
            // role unless that is an operator's (no cookie, so no CSRF); the JWT it gets ends when the token does.
            guard let (tokenUser, expiresAt) = try await oidcBearers.gatewayUser(forAccessToken: bearer),
                  !operatorRoles.contains(tokenUser.role) else {
                throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
            }
            (identity, user) = (AccessIdentity(user: tokenUser), tokenUser)
            reuseKey = "o:" + sha256Hex(bearer)
            notAfter = expiresAt
        } else {
            let (sessionUser, session) = try await sessions.authenticate(cookie: request.cookie, client: request.client,
                                                                         csrf: csrf(request))
            (identity, user) = (AccessIdentity(user: sessionUser), sessionUser)
            reuseKey = "s:" + session.idHash
        }
        try await permissions.check(gateRequest(request), role: identity.role, user: user)
        return .authorized(token: try await issuer.token(for: identity, reuseKey: reuseKey, notAfter: notAfter))
    }

    /// The same decision from memory alone, for the gateway listener's
    /// common case (a cookie whose session, user, permissions and token are
    /// cached): nil when any step needs the database or a signature (an
    /// API key's nonce, a cache miss, a renewal, an audit row, a new token),
    /// and then `authorize` decides the whole call.
    public func authorizeFromMemory(_ request: AuthorizeRequest) throws -> AuthorizeOutcome? {
        if let outcome = try ruled(request) { return outcome }
        guard !request.usesAPIKey, !usesBearer(request),
              let (user, session) = try sessions.authenticateFromMemory(cookie: request.cookie, client: request.client,
                                                                        csrf: csrf(request)) else { return nil }
        let identity = AccessIdentity(user: user)
        guard try permissions.checkFromMemory(gateRequest(request), role: identity.role, user: user),
              let token = issuer.cachedToken(for: identity, reuseKey: "s:" + session.idHash) else { return nil }
        return .authorized(token: token)
    }

    /// No cookie, a bearer, and bearers are read: an app's OpenID Connect token (never decided from memory).
    private func usesBearer(_ request: AuthorizeRequest) -> Bool {
        oidcBearers != nil && (request.cookie ?? "").isEmpty && request.bearer != nil
    }

    /// The rules file: a blocked path is refused, a passed one needs no credentials.
    private func ruled(_ request: AuthorizeRequest) throws -> AuthorizeOutcome? {
        if rules.blocks(request.path) { throw APIError(.unauthorized, ErrorKey.Authz.permissionDenied) }
        return rules.passes(request.path) ? .pass : nil
    }

    private func csrf(_ request: AuthorizeRequest) -> SessionService.CSRFCheck {
        CSRFRule.check(method: request.method, header: request.csrfHeader, protection: csrfProtection)
    }

    private func gateRequest(_ request: AuthorizeRequest) -> PermissionGate.Request {
        PermissionGate.Request(method: request.method, path: request.path, params: request.params, client: request.client)
    }
}
