/// A session just opened: the cookie value goes to the client once and is
/// never stored; the CSRF token goes into the response body.
public struct OpenedSession: Sendable {
    public let cookieValue: Secret
    public let csrfToken: String
    /// A device cookie to set: the browser came without one.
    public var newDevice: Secret? = nil
}

/// Opens, checks, renews and ends cookie sessions.
public struct SessionService: Sendable {
    let store: any Store
    let clock: any ServerClock
    let cache: AuthCache
    let expireTime: Int64
    /// The least move of the expiry worth a database write.
    let renewalStep: Int64

    /// 1/360 of the lifetime, at least 1 s: a session in use more often than its
    /// lifetime is always renewed before it ends, at any setting.
    static func renewalStep(expireTime: Int64) -> Int64 { max(1, expireTime / 360) }
    /// Barong's session store keeps an entry at most 24 h, renewals or not.
    static let hardLifetime: Int64 = 24 * 3600

    public init(store: any Store, clock: any ServerClock, cache: AuthCache, expireTime: Int) {
        self.store = store
        self.clock = clock
        self.cache = cache
        self.expireTime = Int64(expireTime)
        renewalStep = Self.renewalStep(expireTime: Int64(expireTime))
    }

    /// How long a session opened by a recovery code may make no sensitive
    /// write: a stolen code alone cannot empty the account at once.
    public static let recoveryRestriction: Int64 = 900

    /// Whether `session` is still inside that window.
    public func isRecoveryRestricted(_ session: SessionRecord?) -> Bool {
        guard let session, session.method == SignInMethod.recoveryCode.rawValue else { return false }
        return clock.nowMilliseconds() < session.openedAtMS + Self.recoveryRestriction * 1000
    }

    /// A sensitive write refused by the hold: recorded, then 403
    /// `resource.session.recovery_restricted`.
    public func refuseRecoveryHeldWrite(of user: User, route: String, client: ClientInfo) async throws -> Never {
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "session", action: "sensitive write", result: "failed",
                data: ActivityData.fields(["reason": "recovery code session held", "route": String(route.prefix(200))]), now: now
            ))
        }
        throw APIError(.forbidden, ErrorKey.Session.recoveryRestricted)
    }

    /// For a gateway bearer call, which carries no session: whether any live
    /// session of the user was opened by a recovery code inside the window.
    /// A token the gateway minted from such a session must not do what the
    /// session itself may not.
    public func hasRecoveryRestrictedSession(userID: Int64) async throws -> Bool {
        let now = clock.now()
        let sessions = try await store.read { tx in try await tx.sessions(userID: userID, now: now) }
        return sessions.contains { isRecoveryRestricted($0) }
    }

    /// The user a verified gateway bearer token speaks for, while that user
    /// may still act (a ban or deletion after the token was issued refuses it).
    public func bearerUser(uid: String) async throws -> User {
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }), user.state.canAuthenticate else {
            throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
        }
        return user
    }

    /// Always a new id: no session fixation (deliberate difference).
    public func open(for user: User, client: ClientInfo, method: SignInMethod,
                     in tx: some SessionRepository & DeviceRepository) async throws -> OpenedSession {
        let id = SecureRandom.urlSafeToken(bytes: 32)
        let csrf = SecureRandom.hex(bytes: 10)
        let now = clock.now()
        let openedAtMS = clock.nowMilliseconds()
        try await tx.insertSession(SessionRecord(
            idHash: sha256Hex(id), userID: user.id, csrfToken: csrf, userIP: client.ip,
            userAgent: client.userAgent, expireAt: now + expireTime,
            hardExpireAt: now + Self.hardLifetime, createdAt: now,
            publicID: SecureRandom.hex(bytes: 16), method: method.rawValue, country: client.country, lastSeenAt: now,
            openedAtMS: openedAtMS
        ))
        // Every sign-in records its device, so the owner's browser is known to the throttle from then on.
        // A cross-site sign-in (a page elsewhere posting a login form) gets no new device cookie: the
        // browser withheld its own, and a new one would overwrite it.
        var newDevice: String?
        if client.deviceHash == nil && !client.crossSite { newDevice = SecureRandom.urlSafeToken(bytes: 32) }
        if let idHash = client.deviceHash ?? newDevice.map(sha256Hex) {
            try await tx.recordDevice(DeviceRecord(
                userID: user.id, idHash: idHash, userAgent: client.userAgent, userIP: client.ip, country: client.country,
                createdAt: now, lastSeenAt: now
            ))
        }
        return OpenedSession(cookieValue: Secret(id), csrfToken: csrf, newDevice: newDevice.map(Secret.init))
    }

    /// The CSRF rule for a state-changing request.
    public enum CSRFCheck: Sendable {
        case skip
        case require(header: String?)
    }

    /// Checks a cookie session (CSRF token, cookie, session, binding, user state); returns the user and session.
    public func authenticate(
        cookie: String?, client: ClientInfo, csrf: CSRFCheck
    ) async throws -> (user: User, session: SessionRecord) {
        let idHash = try Self.idHash(cookie: cookie, csrf: csrf)
        let now = clock.now()
        let expireTime = self.expireTime
        var found = try await lookup(idHash: idHash)
        // A cached copy may predate a renewal or change by another process:
        // before refusing on its word, read the database once.
        if let (_, cached) = found, !isBound(cached, client: client, now: now) {
            found = try await lookup(idHash: idHash, useCache: false)
        }
        guard let (user, session) = found else { throw APIError(.unauthorized, ErrorKey.Authz.invalidSession) }
        try Self.check(session, csrf: csrf, now: now)
        guard isBound(session, client: client, now: now) else {
            try await store.write { tx in try await tx.deleteSession(idHash: idHash) }
            throw APIError(.unauthorized, ErrorKey.Authz.clientSessionMismatch)
        }
        // Sliding expiry; the write is skipped while it would move the expiry by
        // less than `renewalStep` (5 s at the default 1800 s).
        let renewed = min(now + expireTime, session.hardExpireAt)
        var current = session
        current.expireAt = renewed
        if renewed - session.expireAt >= renewalStep {
            try await store.write { tx in try await tx.renewSession(idHash: idHash, expireAt: renewed, seenAt: now) }
            current.lastSeenAt = now
            cache.renewed(current)
        }
        guard user.state.canAuthenticate else { throw APIError(.unauthorized, ErrorKey.Authz.userNotActive) }
        return (user, current)
    }

    /// `authenticate` from memory alone, for the gateway's common case: nil
    /// when the answer needs the database (not cached, a cached copy that
    /// no longer binds, a renewal due), and then `authenticate` decides.
    public func authenticateFromMemory(
        cookie: String?, client: ClientInfo, csrf: CSRFCheck
    ) throws -> (user: User, session: SessionRecord)? {
        let idHash = try Self.idHash(cookie: cookie, csrf: csrf)
        let now = clock.now()
        guard let session = cache.session(idHash), let user = cache.user(session.userID),
              isBound(session, client: client, now: now) else { return nil }
        try Self.check(session, csrf: csrf, now: now)
        guard min(now + expireTime, session.hardExpireAt) - session.expireAt < renewalStep else { return nil }
        guard user.state.canAuthenticate else { throw APIError(.unauthorized, ErrorKey.Authz.userNotActive) }
        return (user, session)
    }

    /// A state-changing call names its CSRF token; a cookie is there.
    static func idHash(cookie: String?, csrf: CSRFCheck) throws -> String {
        if case .require(let header) = csrf, (header ?? "").isEmpty {
            throw APIError(.unauthorized, ErrorKey.Authz.missingCSRF)
        }
        guard let cookie, !cookie.isEmpty else { throw APIError(.unauthorized, ErrorKey.Authz.invalidSession) }
        return sha256Hex(cookie)
    }

    /// The session has not reached its hard end, and the CSRF token matches when one is required.
    static func check(_ session: SessionRecord, csrf: CSRFCheck, now: Int64) throws {
        guard session.hardExpireAt > now else { throw APIError(.unauthorized, ErrorKey.Authz.invalidSession) }
        if case .require(let header) = csrf, !constantTimeEquals(header ?? "", session.csrfToken) {
            throw APIError(.unauthorized, ErrorKey.Authz.csrfMismatch)
        }
    }

    /// The user of a cookie's live session, if any (logout needs no binding check).
    public func sessionUser(cookie: String?) async throws -> (User, SessionRecord)? {
        guard let cookie, !cookie.isEmpty else { return nil }
        let idHash = sha256Hex(cookie)
        let now = clock.now()
        guard let (user, session) = try await lookup(idHash: idHash), session.expireAt > now, session.hardExpireAt > now else {
            return nil
        }
        return (user, session)
    }

    /// The session binding: same user agent, not expired, same /16 or /96 network.
    private func isBound(_ session: SessionRecord, client: ClientInfo, now: Int64) -> Bool {
        session.userAgent == client.userAgent && now < session.expireAt
            && IPNetwork.sameSessionNetwork(session.userIP, client.ip)
    }

    /// The session and its user: from the cache, else one database read.
    private func lookup(idHash: String, useCache: Bool = true) async throws -> (User, SessionRecord)? {
        if useCache, let session = cache.session(idHash), let user = cache.user(session.userID) {
            return (user, session)
        }
        let generation = cache.generation()
        let store = self.store
        let readNow: @Sendable () async throws -> (SessionRecord, User)? = {
            try await store.read { tx in try await tx.sessionWithUser(idHash: idHash) }
        }
        // A forced re-read must see the database as it is now, not join a read already under way.
        let read = useCache ? try await cache.sessionReads.load(idHash, generation: generation, readNow) : try await readNow()
        guard let (session, user) = read else { return nil }
        cache.store(session: session, user: user, readAt: generation)
        return (user, session)
    }
}
