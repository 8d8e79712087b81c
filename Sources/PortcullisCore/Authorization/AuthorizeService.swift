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

    public init(rules: AccessRules, sessions: SessionService, apiKeys: APIKeyAuthenticator, permissions: PermissionGate,
                issuer: any AccessTokenIssuer, csrfProtection: Bool, oidcBearers: (any BearerAccessVerifier)? = nil) {
        self.rules = rules; self.sessions = sessions; self.apiKeys = apiKeys; self.permissions = permissions
        self.issuer = issuer; self.csrfProtection = csrfProtection; self.oidcBearers = oidcBearers
    }

    public func authorize(_ request: AuthorizeRequest) async throws -> AuthorizeOutcome {
        if let outcome = try ruled(request) { return outcome }
        let identity: AccessIdentity
        let user: User?
        let reuseKey: String
        if request.usesAPIKey {
            (identity, user) = try await apiKeys.authenticate(kid: request.apiKey, nonce: request.nonce, signature: request.signature)
            reuseKey = "k:" + (request.apiKey ?? "")
        } else if usesBearer(request), let bearer = request.bearer, let oidcBearers {
            // An app's OpenID Connect access token: it acts as its user, with the user's role (no cookie, so no CSRF).
            guard let tokenUser = try await oidcBearers.user(forAccessToken: bearer) else {
                throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
            }
            (identity, user) = (AccessIdentity(user: tokenUser), tokenUser)
            reuseKey = "o:" + sha256Hex(bearer)
        } else {
            let (sessionUser, session) = try await sessions.authenticate(cookie: request.cookie, client: request.client,
                                                                         csrf: csrf(request))
            (identity, user) = (AccessIdentity(user: sessionUser), sessionUser)
            reuseKey = "s:" + session.idHash
        }
        try await permissions.check(gateRequest(request), role: identity.role, user: user)
        return .authorized(token: try await issuer.token(for: identity, reuseKey: reuseKey))
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
