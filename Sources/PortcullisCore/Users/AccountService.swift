/// The signed-in user's own account: `resource/users/me` and `users/password`.
public struct AccountService: Sendable {
    let store: any Store
    let hasher: any PasswordHasher
    let policy: PasswordPolicy
    let validator: UserRecordValidator
    let userWriter: UserWriter
    let clock: any ServerClock
    let cache: AuthCache
    let events: EventWriter
    let reauth: Reauthentication

    public init(store: any Store, hasher: any PasswordHasher, policy: PasswordPolicy, userWriter: UserWriter,
                clock: any ServerClock, cache: AuthCache, events: EventWriter, reauth: Reauthentication) {
        self.store = store; self.hasher = hasher; self.policy = policy; self.cache = cache; self.events = events; self.reauth = reauth
        self.validator = UserRecordValidator(policy: policy); self.userWriter = userWriter; self.clock = clock
    }

    /// `users/me`: served from the cache when this user's data has not changed.
    public func fullInfo(of user: User) async throws -> UserFullInfo {
        if let cached = cache.fullInfo(user.id), cached.user == user { return cached }
        let generation = cache.generation()
        let store = self.store
        var info = try await cache.fullInfoReads.load(user.id, generation: generation) {
            try await store.read { tx in try await tx.fullInfo(of: user) }
        }
        // A shared read made for another copy of this user (older or newer): read for this one.
        if info.user != user { info = try await store.read { tx in try await tx.fullInfo(of: user) } }
        cache.store(fullInfo: info, readAt: generation)
        return info
    }

    /// `PUT users/me`: replaces `data` (same model rule as signup).
    public func updateData(of user: User, data: String) async throws -> UserFullInfo {
        if let key = validator.validateData(data) { throw APIError(.unprocessable, key) }
        let now = clock.now()
        return try await store.write { tx in
            guard var fresh = try await tx.user(id: user.id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
            let old = fresh
            fresh.data = data
            fresh.updatedAt = now
            try await userWriter.save(fresh, was: old, in: tx, now: now)
            return try await tx.fullInfo(of: fresh)
        }
    }

    /// `DELETE users/me`: label `delete: by_user` makes the user `deleted`;
    /// every session ends too (deliberate difference).
    /// With 2FA on the code (or a step-up assertion) is asked after the password.
    public func delete(user: User, session: SessionRecord?, password: String, proof: SecondFactor, client: ClientInfo) async throws {
        guard try await reauth.password(password, of: user, client: client, secondFactorFollows: proof.isSent) else {
            throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidPassword)
        }
        if case .passkey(let assertion) = proof {
            guard try await reauth.otp.approves(assertion, of: user, action: .accountDelete, session: session, client: client) else {
                throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidWebAuthn)
            }
        } else if user.otp {
            guard let otpCode = proof.code else { throw APIError(.unprocessable, ErrorKey.ResourceUser.missingOTPCode) }
            guard !otpCode.isEmpty else { throw APIError(.unprocessable, ErrorKey.ResourceUser.emptyOTPCode) }
            guard try await reauth.otp.verify(otpCode, of: user, client: client) else {
                throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidOTP)
            }
        }
        let now = clock.now()
        let (userWriter, events) = (self.userWriter, self.events)
        try await store.write { tx in
            let deleted = try await userWriter.setPrivateLabel("delete", "by_user", on: user, in: tx, now: now)
            try await events.emit(EventName.accountDeleted, user: deleted, withDomain: false, in: tx, now: now)
            try await tx.deleteSessions(userID: user.id, keeping: nil, now: now)
        }
    }

    /// `PUT users/password`: every failure is recorded;
    /// success ends every other session of the user.
    /// With 2FA on, the code (or a step-up assertion) is asked after the old
    /// password (deliberate difference: Barong takes the password alone).
    /// An assertion sent without 2FA is checked all the same.
    public func changePassword(
        user: User, session: SessionRecord?, old: String, new: String, confirm: String, proof: SecondFactor, client: ClientInfo
    ) async throws {
        func fail(_ error: APIError, reason: String? = nil) async throws -> Never {
            try await record(user, client, result: "failed", data: reason.map(ActivityData.reason))
            throw error
        }
        guard constantTimeEquals(new, confirm) else {
            try await fail(APIError(.unprocessable, ErrorKey.ResourcePassword.doesntMatch))
        }
        guard try await reauth.password(old, of: user, client: client, secondFactorFollows: proof.isSent) else {
            try await fail(APIError(.badRequest, ErrorKey.ResourcePassword.prevPassNotCorrect))
        }
        if user.otp || proof.isAssertion {
            do {
                try await reauth.otp.require(proof, of: user, action: .passwordChange, session: session, client: client,
                                             keys: .passwordChange)
            } catch let refusal as APIError {
                try await fail(refusal)
            }
        }
        guard old != new else {
            try await fail(APIError(.badRequest, ErrorKey.ResourcePassword.noChangeProvided))
        }
        if let key = await policy.refusal(of: new) {
            try await fail(APIError(.unprocessable, key), reason: PasswordPolicy.reason(for: key))
        }
        let digest = await hasher.hash(new)
        let now = clock.now()
        let events = self.events
        try await store.write { tx in
            guard var fresh = try await tx.user(id: user.id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
            fresh.passwordDigest = digest
            fresh.updatedAt = now
            try await tx.updateUser(fresh)
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "password", action: "password change", result: "succeed", now: now
            ))
            try await events.emit(EventName.passwordChange, user: fresh, extra: ["user_ip": client.ip], in: tx, now: now)
            try await tx.deleteSessions(userID: user.id, keeping: session?.idHash, now: now)
        }
    }

    private func record(_ user: User, _ client: ClientInfo, result: String, data: String?) async throws {
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "password", action: "password change",
                result: result, data: data, now: now
            ))
        }
    }
}
