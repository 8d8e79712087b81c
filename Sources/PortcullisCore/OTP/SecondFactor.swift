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

/// What a route answers (422) when its second factor is missing, a wrong
/// code, or a failed step-up assertion.
public struct SecondFactorKeys: Sendable {
    let missing: String, invalid: String, invalidAssertion: String

    public static let passwordChange = SecondFactorKeys(missing: ErrorKey.ResourcePassword.missingOTPCode,
                                                        invalid: ErrorKey.ResourcePassword.invalidOTP,
                                                        invalidAssertion: ErrorKey.ResourcePassword.invalidWebAuthn)
    public static let resourceUser = SecondFactorKeys(missing: ErrorKey.ResourceUser.missingOTPCode, invalid: ErrorKey.ResourceUser.invalidOTP,
                                                      invalidAssertion: ErrorKey.ResourceUser.invalidWebAuthn)
    /// `otp/disable` and `otp/recovery_codes`: the route asks `code` itself, so a blank one is a wrong one.
    public static let otp = SecondFactorKeys(missing: ErrorKey.OTP.invalid, invalid: ErrorKey.OTP.invalid,
                                             invalidAssertion: ErrorKey.OTP.invalidWebAuthn)
    public static let apiKeys = SecondFactorKeys(missing: ErrorKey.APIKey.missingTOTP, invalid: ErrorKey.APIKey.invalidTOTP,
                                                 invalidAssertion: ErrorKey.APIKey.invalidWebAuthn)
    public static let serviceAccounts = SecondFactorKeys(missing: ErrorKey.ServiceAccount.missingTOTP,
                                                         invalid: ErrorKey.ServiceAccount.invalidTOTP,
                                                         invalidAssertion: ErrorKey.ServiceAccount.invalidWebAuthn)
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

    /// The route's second factor checked, refused with the route's own keys:
    /// no code (blank counts as none), a wrong code, a failed assertion.
    func require(_ factor: SecondFactor, of user: User, action: StepUpAction, session: SessionRecord?, client: ClientInfo,
                 keys: SecondFactorKeys) async throws {
        switch try await holds(factor, of: user, action: action, session: session, client: client) {
        case nil: throw APIError(.unprocessable, keys.missing)
        case false?: throw APIError(.unprocessable, factor.isAssertion ? keys.invalidAssertion : keys.invalid)
        case true?: return
        }
    }

    /// nil when no code came, else whether the code or the assertion holds.
    private func holds(_ factor: SecondFactor, of user: User, action: StepUpAction, session: SessionRecord?,
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
