/// Delivers and checks phone verification codes (`phone_verification`):
/// mock, Twilio SMS or Twilio Verify. Twilio failures throw 422 with the
/// phone error keys (`ErrorKey.Phone`).
public protocol PhoneCodeChannel: Sendable {
    /// Sends `code` (or, for Twilio Verify, starts a verification) to `+<digits>`.
    func deliver(to digits: String, code: String, channel: String) async throws
    /// Whether `submitted` is right for this number; `stored` is the code we generated.
    func check(digits: String, submitted: String, stored: String) async throws -> Bool
}

/// The SMS text: `{{code}}` replaced by the code.
public enum SMSTemplate {
    public static let defaultTemplate = "Your verification code for Portcullis: {{code}}"
    public static func render(_ template: String, code: String) -> String {
        template.replacingOccurrences(of: "{{code}}", with: code)
    }
}
