/// "This wasn't me" (takeover.md §F): the owner freezes the account from
/// the link in a security mail, or from a signed-in device with the password.
/// One transaction: the state `locked`, held as an operator's state is (only
/// an operator lifts it); every session ended; every API key of the user and
/// of the service accounts they own disabled; pending step-up challenges
/// dropped; the event and the activity row.
public struct FreezeService: Sendable {
    let store: any Store
    let signer: any OneTimeTokenSigner
    let reauth: Reauthentication
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    /// A freeze link works for a week.
    public static let tokenLifetime: Int64 = 7 * 86_400
    /// The `sub` of freeze tokens: their own kind, refused anywhere else.
    public static let subject = "freeze"

    public init(store: any Store, signer: any OneTimeTokenSigner, reauth: Reauthentication, userWriter: UserWriter, events: EventWriter,
                clock: any ServerClock) {
        self.store = store; self.signer = signer; self.reauth = reauth; self.userWriter = userWriter; self.events = events
        self.clock = clock
    }

    /// The token of a mail's freeze link.
    public func token(email: String, uid: String) async throws -> String {
        let now = clock.now()
        return try await signer.sign(OneTimeClaims(subject: Self.subject, email: email, uid: uid, jti: SecureRandom.hex(bytes: 16),
                                                   resetToken: nil, issuedAt: now, expiresAt: now + Self.tokenLifetime))
    }

    /// `POST identity/users/freeze {token}`: no session needed. A token works
    /// once; an account already frozen, or held by an operator (banned,
    /// deleted), answers the same and keeps its state.
    public func freeze(token: String, client: ClientInfo) async throws {
        let claims = try await signer.verify(token, subject: Self.subject)
        let now = clock.now()
        try await store.write { tx in
            guard let user = try await tx.user(uid: claims.uid), user.email == claims.email else {
                throw APIError(.unprocessable, ErrorKey.Identity.activeOrDoesntExist)
            }
            if try await Self.isHeld(user, in: tx) { return }
            guard try await tx.markTokenUsed(hash: sha256Hex(claims.jti), kind: "jti", userID: user.id,
                                             expireAt: claims.expiresAt, now: now) else {
                throw APIError(.unprocessable, ErrorKey.Identity.utilizedToken)
            }
            try await apply(to: user, client: client, in: tx, now: now)
        }
    }

    /// `POST resource/users/freeze {password}`: from a signed-in device. The
    /// password alone is enough, even with 2FA on: freezing only takes power
    /// away, and the owner whose phone was stolen must still be able to.
    public func freeze(user: User, password: String, client: ClientInfo) async throws {
        guard try await reauth.password(password, of: user, client: client) else {
            throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidPassword)
        }
        let now = clock.now()
        try await store.write { tx in
            guard let fresh = try await tx.user(id: user.id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
            if try await Self.isHeld(fresh, in: tx) { return }
            try await apply(to: fresh, client: client, in: tx, now: now)
        }
    }

    static func isFrozen(_ user: User, in tx: some UserRepository) async throws -> Bool {
        guard user.state == .locked else { return false }
        return try await tx.heldState(userID: user.id) == .locked
    }

    /// Frozen already, or held by an operator (banned, locked, deleted): a
    /// freeze changes nothing then, so an operator's ban is never swapped
    /// for a freeze that the next unfreeze would lift.
    static func isHeld(_ user: User, in tx: some UserRepository) async throws -> Bool {
        try await tx.heldState(userID: user.id) != nil || UserStatusRules.operatorStates.contains(user.state)
    }

    typealias FreezeRepositories = UserRepository & APIKeyRepository & SessionRepository & PasskeyRepository & OutboxRepository
        & ActivityRepository

    private func apply(to user: User, client: ClientInfo, in tx: some FreezeRepositories, now: Int64) async throws {
        try await tx.lockUser(id: user.id)
        guard let old = try await tx.user(id: user.id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        var frozen = old
        frozen.state = .locked
        frozen.updatedAt = now
        try await tx.holdState(userID: user.id, .locked, now: now)
        if frozen != old { try await userWriter.save(frozen, was: old, in: tx, now: now) }
        try await tx.disableAPIKeys(holderType: "user", holderID: user.id, now: now)
        for account in try await tx.serviceAccounts(ownerID: user.id) {
            try await tx.disableAPIKeys(holderType: "service_account", holderID: account.id, now: now)
        }
        try await tx.deleteSessions(userID: user.id, keeping: nil, now: now)
        try await tx.deleteStepUpChallenges(userID: user.id)
        try await events.emit(EventName.accountFrozen, user: frozen, extra: ["user_ip": client.ip, "reason": "user"], in: tx, now: now)
        try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "account", action: "freeze", result: "succeed",
                                                data: ActivityData.fields(["reason": "user"]), now: now))
    }
}
