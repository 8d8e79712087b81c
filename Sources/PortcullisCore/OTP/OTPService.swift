import Foundation

/// TOTP 2FA and the code checks other flows use
/// (login, account deletion, API keys). Seeds are sealed at rest; a code is
/// accepted once per step; wrong codes count in the login throttle
/// (per device or address, never a per-user lock the owner could be held by).
public struct OTPService: Sendable {
    let store: any Store
    let box: SecretBox
    let qr: any QRCodeRenderer
    let userWriter: UserWriter
    let throttle: LoginThrottle
    let clock: any ServerClock
    let issuer: String
    /// A passkey in place of the code (takeover.md §S).
    public let stepUp: StepUp

    public init(store: any Store, box: SecretBox, qr: any QRCodeRenderer, userWriter: UserWriter,
                throttle: LoginThrottle, clock: any ServerClock, issuer: String, stepUp: StepUp) {
        self.store = store; self.box = box; self.qr = qr; self.userWriter = userWriter
        self.throttle = throttle; self.clock = clock; self.issuer = issuer; self.stepUp = stepUp
    }

    /// `generate_qrcode`: a new seed replacing any not-yet-enabled one.
    public func generate(for user: User, client: ClientInfo) async throws -> (url: String, png: [UInt8]) {
        let action = "request QR code for 2FA"
        guard !user.otp else { try await fail(user, client, action, APIError(.badRequest, ErrorKey.OTP.alreadyEnabled)) }
        let secret = SecureRandom.bytes(20)
        let sealed = try box.seal(Base32.encode(secret))
        let url = otpauthURL(email: user.email, secret: secret)
        let png = try qr.png(for: url, size: 300)
        let now = clock.now()
        try await store.write { tx in
            try await tx.replaceOTPSecret(userID: user.id, sealed: sealed, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "otp", action: action, result: "succeed", now: now))
        }
        return (url, png)
    }

    func otpauthURL(email: String, secret: [UInt8]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@:+")
        let label = (issuer + ":" + email).addingPercentEncoding(withAllowedCharacters: allowed) ?? email
        let escapedIssuer = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?algorithm=SHA1&digits=6&issuer=\(escapedIssuer)&period=30&secret=\(Base32.encode(secret))"
    }

    /// `enable`: every other session of the user ends; the current one survives.
    public func enable(for user: User, code: String, keeping session: SessionRecord?, client: ClientInfo) async throws {
        let action = "enable 2FA"
        guard !user.otp else { try await fail(user, client, action, APIError(.badRequest, ErrorKey.OTP.alreadyEnabled)) }
        guard try await verify(code, of: user, client: client) else {
            try await fail(user, client, action, APIError(.unprocessable, ErrorKey.OTP.invalid))
        }
        let (now, userWriter) = (clock.now(), self.userWriter)
        try await store.write { tx in
            let fresh = try await Self.setFlag(true, userID: user.id, userWriter: userWriter, in: tx, now: now)
            _ = try await userWriter.setPrivateLabel("otp", "enabled", on: fresh, in: tx, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "otp", action: action, result: "succeed", now: now))
            try await tx.deleteSessions(userID: user.id, keeping: session?.idHash, now: now)
            try await userWriter.events?.emit(EventName.otpEnabled, user: fresh, extra: ["user_ip": client.ip], in: tx, now: now)
        }
    }

    /// Sets the user's `otp` flag on the row as it is in `tx` (locked there on PostgreSQL); returns it saved.
    private static func setFlag(_ enabled: Bool, userID: Int64, userWriter: UserWriter, in tx: some UserRepository & OutboxRepository,
                                now: Int64) async throws -> User {
        guard var fresh = try await tx.user(id: userID) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        let old = fresh
        fresh.otp = enabled
        fresh.updatedAt = now
        try await userWriter.save(fresh, was: old, in: tx, now: now)
        return fresh
    }

    /// `disable`: the label goes (level recomputed) and so does the seed (deliberate differences).
    public func disable(for user: User, proof: SecondFactor, session: SessionRecord?, client: ClientInfo) async throws {
        let action = "disable 2FA"
        guard user.otp else { try await fail(user, client, action, APIError(.badRequest, ErrorKey.OTP.notEnabled)) }
        try await requireProof(proof, of: user, action: .otpDisable, session: session, client: client, recordAs: action)
        let (now, userWriter) = (clock.now(), self.userWriter)
        try await store.write { tx in
            let fresh = try await Self.setFlag(false, userID: user.id, userWriter: userWriter, in: tx, now: now)
            _ = try await userWriter.removePrivateLabel("otp", on: fresh, in: tx, now: now)
            try await tx.deleteOTPSecret(userID: user.id)
            try await tx.deleteRecoveryCodes(userID: user.id)
            try await tx.disableAPIKeys(holderType: "user", holderID: user.id, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "otp", action: action, result: "succeed", now: now))
            try await userWriter.events?.emit(EventName.otpDisabled, user: fresh, extra: ["user_ip": client.ip], in: tx, now: now)
        }
    }

    /// The code of `otp/disable` and `otp/recovery_codes` (the route has
    /// asked it already), or a step-up assertion: a wrong code recorded as
    /// the route's failure (a refused assertion is recorded by step-up itself).
    func requireProof(_ proof: SecondFactor, of user: User, action: StepUpAction, session: SessionRecord?, client: ClientInfo,
                      recordAs name: String) async throws {
        do {
            try await require(proof, of: user, action: action, session: session, client: client, keys: .otp)
        } catch let refusal as APIError where !proof.isAssertion {
            try await fail(user, client, name, refusal)
        }
    }

    /// `verify`: a code check with no side effect but spending the code.
    public func verifyEndpoint(for user: User, code: String, client: ClientInfo) async throws {
        guard user.otp else { throw APIError(.badRequest, ErrorKey.OTP.notEnabled) }
        guard try await verify(code, of: user, client: client) else {
            try await fail(user, client, "verify 2FA code", APIError(.unprocessable, ErrorKey.OTP.invalid))
        }
    }

    /// Whether `code` is the user's current TOTP code, checked as every code
    /// outside the login form is: through the login throttle, so
    /// a wrong code counts and a waiting account is answered 429 unchecked.
    /// `client` nil: a back-end's call (management), counted on the account.
    public func verify(_ code: String, of user: User, client: ClientInfo?) async throws -> Bool {
        let userID = user.id
        return try await throttle.checked(try await throttle.attempt(for: user, client: client)) {
            try await matches(code, userID: userID)
        }
    }

    /// Whether `code` is the user's current TOTP code; an accepted code is
    /// spent (never accepted again). Unreadable seeds are 422 `totp.error`.
    /// Not throttled: only the login form, which admits the attempt itself, calls it directly.
    func matches(_ code: String, userID: Int64) async throws -> Bool {
        let now = clock.now()
        guard let record = try await store.read({ tx in try await tx.otpSecret(userID: userID) }) else { return false }
        let seed: [UInt8]
        do {
            seed = try Base32.decode(box.open(record.sealedSecret))
        } catch {
            throw APIError(.unprocessable, ErrorKey.OTP.backend)
        }
        guard let step = TOTP(secret: seed).matchingStep(for: code, now: now, lastUsedStep: record.lastUsedStep),
              try await store.write({ tx in try await tx.advanceOTPStep(userID: userID, to: step) }) else {
            return false
        }
        return true
    }

    func fail(_ user: User, _ client: ClientInfo, _ action: String, _ error: APIError) async throws -> Never {
        let now = clock.now()
        let reason = error.keys.first.map { $0.split(separator: ".").last.map(String.init) ?? $0 } ?? "error"
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "otp", action: action, result: "failed",
                data: ActivityData.reason(reason), now: now
            ))
        }
        throw error
    }
}
