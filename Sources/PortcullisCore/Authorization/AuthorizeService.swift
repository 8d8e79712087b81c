import Logging

/// The gateway's question (api.md §3): may this request pass, and as whom?
/// Order: block → pass → authentication (API key or cookie) → permissions.
public struct AuthorizeService: Sendable {
    let rules: AccessRules
    let sessions: SessionService
    let apiKeys: APIKeyAuthenticator
    let permissions: PermissionGate
    let issuer: any AccessTokenIssuer
    let store: any Store
    let clock: any Clock
    let csrfProtection: Bool
    let logger: Logger

    public init(rules: AccessRules, sessions: SessionService, apiKeys: APIKeyAuthenticator, permissions: PermissionGate,
                issuer: any AccessTokenIssuer, store: any Store, clock: any Clock, csrfProtection: Bool, logger: Logger) {
        self.rules = rules; self.sessions = sessions; self.apiKeys = apiKeys; self.permissions = permissions
        self.issuer = issuer; self.store = store; self.clock = clock; self.csrfProtection = csrfProtection; self.logger = logger
    }

    static let stateChanging: Set<String> = ["POST", "PUT", "PATCH", "DELETE", "TRACE"]

    public func authorize(_ request: AuthorizeRequest) async throws -> AuthorizeOutcome {
        if rules.blocks(request.path) { throw APIError(.unauthorized, ErrorKey.Authz.permissionDenied) }
        if rules.passes(request.path) { return .pass }
        let identity: AccessIdentity
        let user: User?
        let reuseKey: String
        if request.usesAPIKey {
            (identity, user) = try await apiKeys.authenticate(kid: request.apiKey, nonce: request.nonce, signature: request.signature)
            reuseKey = "k:" + (request.apiKey ?? "")
        } else {
            let csrf: SessionService.CSRFCheck = csrfProtection && Self.stateChanging.contains(request.method)
                ? .require(header: request.csrfHeader) : .skip
            let (sessionUser, session) = try await sessions.authenticate(cookie: request.cookie, client: request.client, csrf: csrf)
            (identity, user) = (AccessIdentity(user: sessionUser), sessionUser)
            reuseKey = "s:" + session.idHash
        }
        try await permissions.check(
            PermissionGate.Request(method: request.method, path: request.path, params: request.params, client: request.client),
            role: identity.role, user: user
        )
        return .authorized(token: try await issuer.token(for: identity, reuseKey: reuseKey))
    }
}
