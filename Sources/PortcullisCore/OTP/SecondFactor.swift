/// The second factor a sensitive write brings: the TOTP code as the route
/// names it (as sent: each route keeps its own rule for an absent or blank
/// code), or a passkey step-up assertion in its place.
public enum SecondFactor: Sendable {
    case code(String?)
    case passkey(StepUpAssertion)

    public var isAssertion: Bool {
        if case .passkey = self { return true }
        return false
    }

    /// An assertion, or a code that is not blank: something to check.
    public var isSent: Bool {
        guard let code else { return isAssertion }
        return !code.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// The code, unless an assertion came (then the code is not read).
    public var code: String? {
        if case .code(let code) = self { return code }
        return nil
    }
}

extension OTPService {
    /// Whether a step-up assertion approves `action` for the user from
    /// `session`: counted in the login throttle, a refusal recorded with its reason.
    public func approves(_ assertion: StepUpAssertion, of user: User, action: StepUpAction, session: SessionRecord?,
                         client: ClientInfo) async throws -> Bool {
        do {
            try await stepUp.verify(assertion, of: user, action: action, caller: .session(session), client: client)
            return true
        } catch is StepUpRefusal {
            return false
        }
    }

    /// The route's second factor checked: nil when no code came (the
    /// route answers its own missing-code key), else whether it holds.
    func holds(_ factor: SecondFactor, of user: User, action: StepUpAction, session: SessionRecord?,
               client: ClientInfo) async throws -> Bool? {
        switch factor {
        case .passkey(let assertion):
            return try await approves(assertion, of: user, action: action, session: session, client: client)
        case .code(let code):
            guard let code, !code.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return try await verify(code, of: user, client: client)
        }
    }
}
