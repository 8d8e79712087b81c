/// `POST identity/sessions`: credentials, then state, then OTP.
public struct LoginService: Sendable {
    let store: any Store
    let hasher: any PasswordHasher
    let sessions: SessionService
    let clock: any ServerClock
    let events: EventWriter
    let otp: OTPService
    let throttle: LoginThrottle
    let breaches: BreachScreen

    public init(store: any Store, hasher: any PasswordHasher, sessions: SessionService, events: EventWriter, otp: OTPService,
                throttle: LoginThrottle, breaches: BreachScreen, clock: any ServerClock) {
        self.store = store; self.hasher = hasher; self.sessions = sessions; self.events = events; self.otp = otp
        self.throttle = throttle; self.breaches = breaches; self.clock = clock
    }

    /// `recoveryCode`: a 2FA user's recovery code in place of the TOTP code
    /// (the caller refuses both at once). A session it opens is marked
    /// `recovery_code`, and the use is mailed and announced. A right
    /// password found in the breach list still signs in, and is flagged.
    public func login(
        email: String, password: String, otpCode: String?, recoveryCode: String? = nil, client: ClientInfo
    ) async throws -> (UserFullInfo, OpenedSession) {
        let (user, attempt) = try await authenticate(email: email, password: password, otpCode: otpCode, recoveryCode: recoveryCode,
                                                     client: client)
        // Asked only once every proof is right: a guesser learns nothing and waits for nothing more.
        let breached = await breaches.verdict(for: password) == .breached
        guard user.otp, Self.given(recoveryCode) != nil else {
            return try await signIn(user, client: client, action: user.otp ? "login::2fa" : "login", clearing: attempt,
                                    passwordBreached: breached)
        }
        return try await signIn(user, client: client, action: "login::recovery_code", method: .recoveryCode, clearing: attempt,
                                passwordBreached: breached)
    }

    /// The text when one was sent (blank counts as not sent).
    public static func given(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }

    /// Throttle, password, state and (when the user has 2FA) the code, each
    /// failure recorded as a login does; returns the user and the throttled
    /// attempt a sign-in clears. Opens nothing. The attempt keeps its place
    /// in the throttle's counts while it is a wrong answer (a wrong password
    /// or code, a state that may not sign in); a missing code gives it back.
    public func authenticate(
        email: String, password: String, otpCode: String?, recoveryCode: String? = nil, client: ClientInfo
    ) async throws -> (User, LoginThrottle.Attempt) {
        let normalized = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let user = try await store.read { tx in try await tx.user(email: normalized) }
        let attempt = LoginThrottle.Attempt(email: normalized, client: client,
                                            knownDevice: try await throttle.isKnown(client.deviceHash, userID: user?.id))
        // Before anything is hashed: a throttled attempt costs no bcrypt.
        try await throttle.admit(attempt)
        // The password is checked first, and an unknown email costs one
        // comparison too, so the answer reveals nothing (deliberate difference).
        let matches = await hasher.verify(password, digest: user?.passwordDigest)
        guard let user, matches else {
            try await recordWrongPassword(attempt, user: user, client: client)
            throw APIError(.unauthorized, ErrorKey.Session.invalidParams)
        }
        try await checkState(user, client: client)
        if user.otp, let recoveryCode = Self.given(recoveryCode) {
            // Admitted above already: a wrong recovery code keeps its place, as a wrong TOTP code does.
            let (otp, now) = (self.otp, clock.now())
            guard try await store.write({ tx in try await otp.useRecoveryCode(recoveryCode, userID: user.id, in: tx, now: now) }) else {
                try await fail(user, "login::recovery_code", reason: "Recovery code is invalid", client: client)
                throw APIError(.forbidden, ErrorKey.Session.invalidOTP)
            }
        } else if user.otp {
            guard let otpCode, !otpCode.trimmingCharacters(in: .whitespaces).isEmpty else {
                // The password was right and nothing was guessed: the attempt's place goes back.
                let throttle = self.throttle
                try await store.write { tx in try await throttle.passed(attempt, clearingOwn: false, in: tx) }
                throw APIError(.unauthorized, ErrorKey.Session.missingOTP)
            }
            // Admitted above already (its place counted): a wrong code keeps it.
            guard try await otp.matches(otpCode, userID: user.id) else {
                try await fail(user, "login::2fa", reason: "OTP code is invalid", client: client)
                throw APIError(.forbidden, ErrorKey.Session.invalidOTP)
            }
        }
        return (user, attempt)
    }

    /// Refuses states that may not sign in, recording why.
    public func checkState(_ user: User, client: ClientInfo) async throws {
        switch user.state {
        case .banned:
            try await fail(user, "login", reason: "Your account is banned", client: client)
            throw APIError(.unauthorized, ErrorKey.Session.banned)
        case .deleted:
            try await fail(user, "login", reason: "Your account is deleted", client: client)
            throw APIError(.unauthorized, ErrorKey.Session.deleted)
        case .locked:
            try await fail(user, "login", reason: "Your account is not active", client: client)
            throw APIError(.unauthorized, ErrorKey.Session.notActive)
        case .active, .pending:
            break
        }
    }

    /// Opens the session of a user already authenticated and state-checked:
    /// activity, session, event.
    /// `clearing`: the throttled attempt this sign-in ends (its own count starts afresh).
    /// `passwordBreached`: the password just checked is in the breach list:
    /// flagged (`users/me` shows it) and, once a day at most, mailed.
    public func signIn(_ user: User, client: ClientInfo, action: String, method: SignInMethod = .password,
                       clearing attempt: LoginThrottle.Attempt? = nil,
                       passwordBreached: Bool = false) async throws -> (UserFullInfo, OpenedSession) {
        let now = clock.now()
        let (sessions, events, throttle) = (self.sessions, self.events, self.throttle)
        return try await store.write { tx in
            // The state as it is now, locked: a freeze or a ban committed since the
            // check above must not be outlived by a session opened after it.
            guard let current = try await tx.user(id: user.id), current.state.canAuthenticate else {
                throw APIError(.unauthorized, ErrorKey.Session.notActive)
            }
            // A password changed since it was checked: the proof is stale, no session.
            guard current.passwordDigest == user.passwordDigest else { throw APIError(.unauthorized, ErrorKey.Session.invalidParams) }
            if let attempt { try await throttle.signedIn(attempt, in: tx) }
            let unfamiliar = try await Self.isUnfamiliar(client, to: user, in: tx)
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "session", action: action, result: "succeed", now: now
            ))
            let opened = try await sessions.open(for: user, client: client, method: method, in: tx)
            if unfamiliar {
                try await events.emit(EventName.newDevice, user: user, extra: [
                    "user_ip": client.ip, "user_ip_country": client.country, "user_agent": client.userAgent,
                    "method": method.rawValue, "signed_in_at": Timestamp.iso8601(now),
                ], withDomain: false, in: tx, now: now)
            }
            try await events.emit(EventName.sessionCreate, user: user, extra: [
                "user_ip": client.ip, "user_agent": client.userAgent,
            ], withDomain: false, in: tx, now: now)
            if passwordBreached, try await tx.flagBreachedPassword(
                userID: user.id, mark: BreachScreen.mark(of: user.passwordDigest), now: now,
                mailedBefore: now - BreachScreen.mailInterval
            ) {
                try await events.emit(EventName.passwordBreached, user: user, extra: ["user_ip": client.ip],
                                      withDomain: false, in: tx, now: now)
            }
            if method == .recoveryCode {
                let remaining = try await tx.recoveryCodeStatus(userID: user.id)?.remaining ?? 0
                try await events.emit(EventName.recoveryCodeUsed, user: user, extra: ["remaining": remaining, "user_ip": client.ip],
                                      withDomain: false, in: tx, now: now)
            }
            return (try await tx.fullInfo(of: user), opened)
        }
    }

    /// A sign-in from a device the user has not signed in from (no device
    /// cookie, or one new to this account) or from a country none of their
    /// devices was seen in — by a user who has signed in before (the first
    /// sign-in after signup alerts nobody).
    static func isUnfamiliar(_ client: ClientInfo, to user: User, in tx: some DeviceRepository) async throws -> Bool {
        var known = false
        if let device = client.deviceHash { known = try await tx.isKnownDevice(userID: user.id, idHash: device) }
        var seenCountry = true
        if !client.country.isEmpty { seenCountry = try await tx.hasDevice(userID: user.id, country: client.country) }
        guard !known || !seenCountry else { return false }
        return try await tx.hasSignedIn(userID: user.id)
    }

    /// `DELETE identity/sessions`: 404 without a live session, else end it.
    public func logout(cookie: String?, client: ClientInfo) async throws {
        guard let (user, session) = try await sessions.sessionUser(cookie: cookie) else {
            throw APIError(.notFound, ErrorKey.Session.notFound)
        }
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "session", action: "logout", result: "succeed", now: now
            ))
            try await tx.deleteSession(idHash: session.idHash)
        }
    }

    /// The same write transaction, known email or not: the address's failure
    /// counter and the failed-login activity (without a user for an unknown
    /// address: no list or count shows that row). The answer waits for the
    /// same work either way (deliberate difference).
    private func recordWrongPassword(_ attempt: LoginThrottle.Attempt, user: User?, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in
            try await AddressAttempts.count(.failedLogin, email: attempt.email, in: tx, now: now)
            try await tx.insertActivity(NewActivity(
                userID: user?.id, client: client, topic: "session", action: "login", result: "failed",
                data: ActivityData.reason("Invalid Email or Password"), now: now
            ))
        }
    }

    private func fail(_ user: User, _ action: String, reason: String, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "session", action: action, result: "failed",
                data: ActivityData.reason(reason), now: now
            ))
        }
    }
}
