/// What a client sent as `captcha_response`.
public enum CaptchaResponse: Sendable, Equatable {
    case absent
    case text(String)
    case fields([String: String])
    /// Present but of a shape no provider accepts.
    case malformed
}

/// A captcha provider (reCAPTCHA, Geetest). Throws the `identity.captcha.*` errors.
public protocol CaptchaVerifier: Sendable {
    func verify(_ response: CaptchaResponse) async throws
}
