import Logging

/// `identity/users/password/generate_code` and `confirm_code`.
public struct PasswordResetService: Sendable {
    let store: any Store
    let signer: any OneTimeTokenSigner
    let hasher: any PasswordHasher
    let policy: PasswordPolicy
    let events: EventWriter
    let clock: any ServerClock
    let tokenLifetime: Int64
    let logger: Logger

    public init(store: any Store, signer: any OneTimeTokenSigner, hasher: any PasswordHasher, policy: PasswordPolicy,
                events: EventWriter, clock: any ServerClock, tokenLifetime: Int, logger: Logger) {
        self.store = store; self.signer = signer; self.hasher = hasher; self.policy = policy
        self.events = events; self.clock = clock; self.tokenLifetime = Int64(tokenLifetime); self.logger = logger
    }

    /// Known or not, the answer is the same and immediate; the work runs in
    /// the background (deliberate difference: no timing leak).
    public func requestCode(email: String, client: ClientInfo) {
        guard let normalized = EmailAddress.normalize(email) else { return }
        let service = self
        Task {
            do {
                try await service.issueToken(email: normalized, client: client)
            } catch {
                service.logger.warning("password reset request failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    /// The latest secret replaces every earlier one (latest wins).
    func issueToken(email: String, client: ClientInfo) async throws {
        let now = clock.now()
        let (signer, events, lifetime) = (self.signer, self.events, self.tokenLifetime)
        try await store.write { tx in
            // The same work whoever the address belongs to: one counter write and
            // one signature.
            try await AddressAttempts.count(.resetRequest, email: email, in: tx, now: now)
            let user = try await tx.user(email: email)
            let secret = SecureRandom.hex(bytes: 10)
            let token = try await signer.sign(OneTimeClaims(
                subject: "reset", email: email, uid: user?.uid ?? "", jti: SecureRandom.hex(bytes: 10),
                resetToken: secret, issuedAt: now, expiresAt: now + lifetime
            ))
            // A frozen account gets no reset (the same answer): only an operator lifts a freeze.
            guard let user, try await !FreezeService.isFrozen(user, in: tx) else { return }
            try await tx.replaceResetSecret(userID: user.id, hash: sha256Hex(secret), expireAt: now + lifetime, now: now)
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "password", action: "request password reset", result: "succeed", now: now
            ))
            try await events.emit(EventName.passwordResetToken, user: user, extra: ["token": token], in: tx, now: now)
        }
    }

    public func confirm(token: String, password: String, confirmation: String, client: ClientInfo) async throws {
        guard constantTimeEquals(password, confirmation) else {
            throw APIError(.unprocessable, ErrorKey.Identity.passwordsDoesntMatch)
        }
        let claims = try await signer.verify(token, subject: "reset")
        let now = clock.now()
        let (user, secretOK) = try await store.read { tx -> (User?, Bool) in
            guard let user = try await tx.user(email: claims.email) else { return (nil, false) }
            let current = try await tx.currentResetSecret(userID: user.id, now: now)
            let used = try await tx.isTokenUsed(hash: sha256Hex(claims.jti), kind: "jti", now: now)
            let matches = current.map { constantTimeEquals($0, sha256Hex(claims.resetToken ?? "")) } ?? false
            return (user, matches && !used)
        }
        guard let user, secretOK else { throw APIError(.unprocessable, ErrorKey.Identity.utilizedToken) }
        if let key = await policy.refusal(of: password) {
            try await store.write { tx in
                try await tx.insertActivity(NewActivity(
                    userID: user.id, client: client, topic: "password", action: "password reset", result: "failed",
                    data: ActivityData.reason(PasswordPolicy.reason(for: key)), now: now
                ))
            }
            throw APIError(.unprocessable, key)
        }
        let digest = await hasher.hash(password)
        let (events, lifetime) = (self.events, self.tokenLifetime)
        try await store.write { tx in
            // Checked again inside the transaction: two confirmations racing use the token once.
            guard var fresh = try await tx.user(id: user.id), try await !FreezeService.isFrozen(fresh, in: tx),
                  let current = try await tx.currentResetSecret(userID: user.id, now: now),
                  constantTimeEquals(current, sha256Hex(claims.resetToken ?? "")),
                  try await tx.markTokenUsed(hash: sha256Hex(claims.jti), kind: "jti", userID: user.id,
                                             expireAt: now + lifetime, now: now) else {
                throw APIError(.unprocessable, ErrorKey.Identity.utilizedToken)
            }
            try await tx.deleteResetSecret(userID: user.id)
            fresh.passwordDigest = digest
            fresh.updatedAt = now
            try await tx.updateUser(fresh)
            try await tx.insertActivity(NewActivity(
                userID: user.id, client: client, topic: "password", action: "password reset", result: "succeed", now: now
            ))
            try await events.emit(EventName.passwordReset, user: fresh, in: tx, now: now)
            try await tx.deleteSessions(userID: user.id, keeping: nil, now: now)
        }
    }
}
