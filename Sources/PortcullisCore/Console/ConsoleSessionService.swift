/// The admin console's sign-in and sessions. Sign-in takes the
/// API's login path (throttle, password, state, code) and then asks more:
/// 2FA whatever the user's settings, and a role with some admin ability.
/// A console session is its own record, never an API session: neither
/// cookie opens the other. It ends after `idleTimeout` without a request,
/// after 12 hours whatever, when the client's address changes, or when
/// its user stops being an active operator.
public struct ConsoleSessionService: Sendable {
    let store: any Store
    let clock: any ServerClock
    let login: LoginService
    let throttle: LoginThrottle
    let abilities: AbilityTable
    let idleTimeout: Int64
    static let hardLifetime: Int64 = 12 * 3600

    public init(store: any Store, clock: any ServerClock, login: LoginService, throttle: LoginThrottle, abilities: AbilityTable,
                idleTimeout: Int) {
        self.store = store; self.clock = clock; self.login = login; self.throttle = throttle
        self.abilities = abilities; self.idleTimeout = Int64(idleTimeout)
    }

    /// A signed-in operator: the user, and the session's CSRF token for forms.
    public struct Operator: Sendable {
        public let user: User
        public let csrfToken: String
    }

    /// What a request's cookie stands for.
    public enum Lookup: Sendable {
        case signedIn(Operator)
        /// There was a session, and it just ended (idle, too old, another address, no longer an operator).
        case ended
        case none
    }

    /// Refusals: the login's keys, then `admin.console.otp_required`,
    /// `authz.user_not_active` and `admin.ability.not_permitted`, each
    /// recorded as a failed (or denied) console sign-in.
    public func signIn(email: String, password: String, otpCode: String?,
                       client: ClientInfo) async throws -> (Operator, cookie: Secret) {
        let (user, attempt) = try await login.authenticate(email: email, password: password, otpCode: otpCode, client: client)
        if !user.otp {
            try await record(user, "failed", client: client)
            throw APIError(.unauthorized, ErrorKey.Console.otpRequired)
        }
        // As admin API callers: a pending user is no operator yet.
        if user.state != .active {
            try await record(user, "denied", client: client)
            throw APIError(.unauthorized, ErrorKey.Authz.userNotActive)
        }
        if !abilities.hasAnyAbility(role: user.role) {
            try await record(user, "denied", client: client)
            throw APIError(.unauthorized, ErrorKey.Admin.notPermitted)
        }
        let token = SecureRandom.urlSafeToken(bytes: 32)
        let now = clock.now()
        let session = ConsoleSessionRecord(
            idHash: sha256Hex(token), userID: user.id, csrfToken: SecureRandom.hex(bytes: 16), userIP: client.ip,
            userAgent: client.userAgent, createdAt: now, lastSeenAt: now
        )
        let throttle = self.throttle
        try await store.write { tx in
            try await throttle.signedIn(attempt, in: tx)
            try await tx.deleteConsoleSessions(seenBefore: now - idleTimeout)
            try await tx.insertConsoleSession(session)
            try await tx.insertActivity(Self.activity(user, "login", "succeed", client: client, now: now))
        }
        return (Operator(user: user, csrfToken: session.csrfToken), Secret(token))
    }

    public func lookup(cookie: String?, client: ClientInfo) async throws -> Lookup {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 128 else { return .none }
        let idHash = sha256Hex(cookie)
        let found = try await store.read { tx -> (ConsoleSessionRecord, User?)? in
            guard let session = try await tx.consoleSession(idHash: idHash) else { return nil }
            return (session, try await tx.user(id: session.userID))
        }
        guard let (session, user) = found else { return .none }
        let now = clock.now()
        guard let user, user.state == .active, user.otp, abilities.hasAnyAbility(role: user.role),
              now - session.lastSeenAt <= idleTimeout, now - session.createdAt <= Self.hardLifetime,
              session.userIP == client.ip else {
            try await store.write { tx in try await tx.deleteConsoleSession(idHash: idHash) }
            return .ended
        }
        if now > session.lastSeenAt {
            try await store.write { tx in try await tx.touchConsoleSession(idHash: idHash, at: now) }
        }
        return .signedIn(Operator(user: user, csrfToken: session.csrfToken))
    }

    public func signOut(cookie: String?, client: ClientInfo) async throws {
        guard let cookie, !cookie.isEmpty else { return }
        let idHash = sha256Hex(cookie)
        let now = clock.now()
        try await store.write { tx in
            guard let session = try await tx.consoleSession(idHash: idHash), let user = try await tx.user(id: session.userID) else {
                return
            }
            try await tx.deleteConsoleSession(idHash: idHash)
            try await tx.insertActivity(Self.activity(user, "logout", "succeed", client: client, now: now))
        }
    }

    private func record(_ user: User, _ result: String, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in try await tx.insertActivity(Self.activity(user, "login", result, client: client, now: now)) }
    }

    /// Console sign-ins are admin activities with topic `console`.
    static func activity(_ user: User, _ action: String, _ result: String, client: ClientInfo, now: Int64) -> NewActivity {
        NewActivity(userID: user.id, category: "admin", client: client, topic: "console", action: action, result: result, now: now)
    }
}
