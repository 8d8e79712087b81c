import Logging

/// `identity/users/email/generate_code` and `confirm_code`.
public struct EmailConfirmationService: Sendable {
    let store: any Store
    let signer: any OneTimeTokenSigner
    let sessions: SessionService
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let tokenLifetime: Int64
    let logger: Logger

    public init(store: any Store, signer: any OneTimeTokenSigner, sessions: SessionService, userWriter: UserWriter,
                events: EventWriter, clock: any ServerClock, tokenLifetime: Int, logger: Logger) {
        self.store = store; self.signer = signer; self.sessions = sessions; self.userWriter = userWriter
        self.events = events; self.clock = clock; self.tokenLifetime = Int64(tokenLifetime); self.logger = logger
    }

    /// A fresh confirmation token event for `user`, inside the caller's transaction.
    func emitToken(for user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let token = try await self.token(email: user.email, uid: user.uid, now: now)
        try await events.emit(EventName.emailConfirmationToken, user: user, extra: ["token": token], in: tx, now: now)
    }

    private func token(email: String, uid: String, now: Int64) async throws -> String {
        try await signer.sign(OneTimeClaims(
            subject: "confirmation", email: email, uid: uid, jti: SecureRandom.hex(bytes: 10),
            resetToken: nil, issuedAt: now, expiresAt: now + tokenLifetime
        ))
    }

    /// Always answers the same, at once: the lookup and the event happen in
    /// the background so timing says nothing about the address (deliberate difference).
    public func requestCode(email: String) {
        guard let normalized = EmailAddress.normalize(email) else { return }
        let service = self
        Task {
            do {
                let now = service.clock.now()
                try await service.store.write { tx in
                    // The same work whoever the address belongs to: one counter
                    // write and one signature.
                    try await AddressAttempts.count(.confirmationRequest, email: normalized, in: tx, now: now)
                    let user = try await tx.user(email: normalized)
                    let token = try await service.token(email: normalized, uid: user?.uid ?? "", now: now)
                    // Only a pending user has an address to confirm; banned, locked and
                    // deleted users get the same 201 and nothing.
                    guard let user, user.state == .pending else { return }
                    try await service.events.emit(EventName.emailConfirmationToken, user: user, extra: ["token": token],
                                                  in: tx, now: now)
                }
            } catch {
                service.logger.warning("confirmation code request failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    public func confirm(token: String, client: ClientInfo) async throws -> (UserFullInfo, OpenedSession) {
        let claims = try await signer.verify(token, subject: "confirmation")
        let now = clock.now()
        let (sessions, userWriter, events, lifetime) = (self.sessions, self.userWriter, self.events, self.tokenLifetime)
        return try await store.write { tx in
            // A token mailed before a ban must not lift it (nor open a session).
            guard let user = try await tx.user(email: claims.email), user.state == .pending else {
                throw APIError(.unprocessable, ErrorKey.Identity.activeOrDoesntExist)
            }
            guard try await tx.markTokenUsed(
                hash: sha256Hex(claims.jti), kind: "jti", userID: user.id, expireAt: now + lifetime, now: now
            ) else {
                throw APIError(.unprocessable, ErrorKey.Identity.utilizedToken)
            }
            let confirmed = try await userWriter.setPrivateLabel("email", "verified", on: user, in: tx, now: now)
            let opened = try await sessions.open(for: confirmed, client: client, method: .email, in: tx)
            try await events.emit(EventName.emailConfirmed, user: confirmed, in: tx, now: now)
            return (try await tx.fullInfo(of: confirmed), opened)
        }
    }
}
