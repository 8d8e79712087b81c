extension OTPService {
    /// `POST otp/recovery_codes`: a new set of codes replacing the old one,
    /// for a user with 2FA on who proves it with the current code (the keys
    /// of `otp/disable`). The codes are returned once and stored only hashed.
    public func createRecoveryCodes(for user: User, proof: SecondFactor, session: SessionRecord?, client: ClientInfo) async throws -> [String] {
        let action = "create recovery codes"
        guard user.otp else { try await fail(user, client, action, APIError(.badRequest, ErrorKey.OTP.notEnabled)) }
        try await requireProof(proof, of: user, action: .recoveryCodesCreate, session: session, client: client, recordAs: action)
        let (codes, now, box, events) = (RecoveryCodes.generate(), clock.now(), self.box, userWriter.events)
        let hashes = codes.map { RecoveryCodes.hash(shown: $0, box: box) }
        try await store.write { tx in
            try await tx.replaceRecoveryCodes(userID: user.id, hashes: hashes, now: now)
            try await events?.emit(EventName.recoveryCodesCreated, user: user, extra: ["user_ip": client.ip], in: tx, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "otp", action: action, result: "succeed", now: now))
        }
        return codes
    }

    /// `GET otp/recovery_codes`: how many are left (never the codes).
    public func recoveryCodeStatus(for user: User) async throws -> RecoveryCodeStatus? {
        try await store.read { tx in try await tx.recoveryCodeStatus(userID: user.id) }
    }

    /// Spends one of the user's codes inside the caller's transaction: true
    /// exactly once per code, false for a wrong, used or malformed one.
    func useRecoveryCode(_ input: String, userID: Int64, in tx: some RecoveryCodeRepository, now: Int64) async throws -> Bool {
        guard let normalized = RecoveryCodes.normalize(input) else { return false }
        return try await tx.useRecoveryCode(userID: userID, hash: RecoveryCodes.hash(normalized, box: box), now: now)
    }
}
