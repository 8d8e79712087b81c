import Foundation

/// The gateway permission check with its audit trail: authorize runs
/// it for gateway traffic, the admin routes for standalone (cookie) calls,
/// so AUDIT rows record admin activities with and without nginx.
public struct PermissionGate: Sendable {
    let permissions: PermissionCache
    let store: any Store
    let clock: any ServerClock

    public init(permissions: PermissionCache, store: any Store, clock: any ServerClock) {
        self.permissions = permissions; self.store = store; self.clock = clock
    }

    /// The request as the permission table sees it.
    public struct Request: Sendable {
        public var method: String
        /// Without the leading slash, e.g. `api/v2/barong/admin/users`.
        public var path: String
        public var params: [String: String]
        public var client: ClientInfo
        public init(method: String, path: String, params: [String: String], client: ClientInfo) {
            self.method = method; self.path = path; self.params = params; self.client = client
        }
    }

    /// Throws 401 `authz.invalid_permission` when the role may not; writes
    /// the admin activity (denied, or succeed under an AUDIT row) for users.
    public func check(_ request: Request, role: String, user: User?) async throws {
        let decision = PermissionRules.decide(
            try await permissions.rows(for: role), role: role, method: request.method, path: request.path
        )
        try await record(decision, of: request, user: user)
    }

    /// `check` from memory alone: false when the table is not cached or the
    /// decision must be audited (a database write), and then `check` decides.
    public func checkFromMemory(_ request: Request, role: String, user: User?) throws -> Bool {
        guard let rows = permissions.cachedRows(for: role) else { return false }
        let decision = PermissionRules.decide(rows, role: role, method: request.method, path: request.path)
        if user != nil && (!decision.allowed || decision.auditTopic != nil) { return false }
        if !decision.allowed { throw APIError(.unauthorized, ErrorKey.Authz.invalidPermission) }
        return true
    }

    private func record(_ decision: PermissionDecision, of request: Request, user: User?) async throws {
        if !decision.allowed {
            if let user { try await audit(request, user: user, topic: PermissionRules.defaultTopic(request.path), result: "denied") }
            throw APIError(.unauthorized, ErrorKey.Authz.invalidPermission)
        }
        if let topic = decision.auditTopic, let user {
            try await audit(request, user: user, topic: topic, result: "succeed")
        }
    }

    /// Params never audited: secrets.
    static let secretParams: Set<String> = ["password", "otp_code", "totp_code", "new_password", "old_password",
                                            "confirm_password", "code", "token", "reset_password_token", "secret"]

    private func audit(_ request: Request, user: User, topic: String, result: String) async throws {
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
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) }
        let activity = NewActivity(
            userID: user.id, category: "admin", client: request.client, topic: topic, action: action, result: result,
            data: json, targetUID: request.params["uid"] ?? request.params["user_uid"], now: clock.now()
        )
        try await store.write { tx in try await tx.insertActivity(activity) }
    }
}
