import Foundation
import Logging

/// The gateway's question (api.md §3): may this request pass, and as whom?
/// Order: block → pass → authentication (API key or cookie) → permissions.
public struct AuthorizeService: Sendable {
    let rules: AccessRules
    let sessions: SessionService
    let apiKeys: APIKeyAuthenticator
    let permissions: PermissionCache
    let issuer: any AccessTokenIssuer
    let store: any Store
    let clock: any Clock
    let csrfProtection: Bool
    let logger: Logger

    public init(rules: AccessRules, sessions: SessionService, apiKeys: APIKeyAuthenticator, permissions: PermissionCache,
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
        let decision = PermissionRules.decide(
            try await permissions.rows(for: identity.role), role: identity.role, method: request.method, path: request.path
        )
        if !decision.allowed {
            if let user { try await audit(request, user: user, topic: PermissionRules.defaultTopic(request.path), result: "denied") }
            throw APIError(.unauthorized, ErrorKey.Authz.invalidPermission)
        }
        if let topic = decision.auditTopic, let user {
            try await audit(request, user: user, topic: topic, result: "succeed")
        }
        return .authorized(token: try await issuer.token(for: identity, reuseKey: reuseKey))
    }

    /// Params never audited: secrets.
    static let secretParams: Set<String> = ["password", "otp_code", "totp_code", "new_password", "old_password",
                                            "confirm_password", "code", "token", "reset_password_token"]

    private func audit(_ request: AuthorizeRequest, user: User, topic: String, result: String) async throws {
        let action = switch request.method {
        case "POST": "create"
        case "PUT", "PATCH": "update"
        case "GET": "read"
        case "DELETE": "delete"
        default: "system"
        }
        var data: [String: Any] = ["path": request.path, "verb": request.method]
        let params = request.params.filter { !Self.secretParams.contains($0.key) }
        if !params.isEmpty { data["params"] = params }
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) }
        let now = clock.now()
        let activity = NewActivity(
            userID: user.id, category: "admin", client: request.client, topic: topic, action: action, result: result,
            data: json, targetUID: request.params["uid"], now: now
        )
        try await store.write { tx in try await tx.insertActivity(activity) }
    }
}
