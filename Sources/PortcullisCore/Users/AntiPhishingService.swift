/// The anti-phishing code (takeover.md §A): a phrase of the user's that
/// every mail of ours shows in its first line, so a mail without it is not
/// ours. Set and cleared with the password (and the second factor when 2FA
/// is on); sealed at rest; never in logs, activities or model events.
public struct AntiPhishingService: Sendable {
    let store: any Store
    let box: SecretBox
    let reauth: Reauthentication
    let clock: any ServerClock
    static let lengths = 4...20

    public init(store: any Store, box: SecretBox, reauth: Reauthentication, clock: any ServerClock) {
        self.store = store; self.box = box; self.reauth = reauth; self.clock = clock
    }

    /// `PUT resource/users/anti_phishing`: replaces any code set before.
    public func set(_ raw: String, for user: User, session: SessionRecord?, password: String, proof: SecondFactor,
                    client: ClientInfo) async throws {
        guard let code = Self.normalize(raw) else { throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidAntiPhishingCode) }
        try await confirm(user, session: session, password: password, proof: proof, action: .antiPhishingSet, client: client)
        let (sealed, now) = (try box.seal(code), clock.now())
        try await store.write { tx in
            try await tx.setSealedAntiPhishingCode(userID: user.id, sealed, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "account", action: "anti-phishing code set",
                                                    result: "succeed", now: now))
        }
    }

    /// `DELETE resource/users/anti_phishing`.
    public func clear(for user: User, session: SessionRecord?, password: String, proof: SecondFactor, client: ClientInfo) async throws {
        try await confirm(user, session: session, password: password, proof: proof, action: .antiPhishingClear, client: client)
        let now = clock.now()
        try await store.write { tx in
            try await tx.setSealedAntiPhishingCode(userID: user.id, nil, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "account", action: "anti-phishing code clear",
                                                    result: "succeed", now: now))
        }
    }

    /// 4–20 letters, digits and spaces (any script; no marks, symbols or
    /// controls, so nothing renders differently from what was typed),
    /// spaces trimmed at the ends.
    static func normalize(_ raw: String) -> String? {
        let code = raw.trimmingCharacters(in: [" "])
        let scalars = code.unicodeScalars
        guard lengths.contains(scalars.count) else { return nil }
        // Letters that render as nothing (Hangul fillers, other default-ignorables) are no code.
        let allowed = scalars.allSatisfy { scalar in
            scalar == " " || (scalar.properties.generalCategory.isLetter || scalar.properties.generalCategory == .decimalNumber)
                && !scalar.properties.isDefaultIgnorableCodePoint
        }
        return allowed && !code.contains("  ") ? code : nil
    }

    private func confirm(_ user: User, session: SessionRecord?, password: String, proof: SecondFactor, action: StepUpAction,
                         client: ClientInfo) async throws {
        guard try await reauth.password(password, of: user, client: client, secondFactorFollows: proof.isSent) else {
            throw APIError(.unprocessable, ErrorKey.ResourceUser.invalidPassword)
        }
        guard user.otp || proof.isAssertion else { return }
        try await reauth.otp.require(proof, of: user, action: action, session: session, client: client, keys: .resourceUser)
    }
}

private extension Unicode.GeneralCategory {
    var isLetter: Bool {
        switch self {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }
}
