import PortcullisCore

extension Params {
    /// `captcha_response`: a string (reCAPTCHA) or an object (Geetest; in a
    /// form body `captcha_response[geetest_challenge]=…`).
    var captchaResponse: CaptchaResponse {
        switch self["captcha_response"] {
        case nil: return .absent
        case .string(let text): return .text(text)
        case .object(let object):
            var fields: [String: String] = [:]
            for (key, value) in object {
                guard case .string(let text) = value else { return .malformed }
                fields[key] = text
            }
            return .fields(fields)
        case .unsupported: return .malformed
        }
    }
}
