import Foundation

/// A password: the configured regexp must match, then the entropy must
/// reach the minimum. Only the first failing rule is reported.
public struct PasswordPolicy: Sendable {
    private let regexp: NSRegularExpression
    public let entropy: PasswordEntropy

    public init(config: Config) throws {
        regexp = try NSRegularExpression(pattern: config.passwordRegexp)
        entropy = PasswordEntropy(minEntropy: config.passwordMinEntropy, useDictionary: config.passwordUseDictionary)
    }

    /// The record key of the first rule the password breaks, or nil.
    /// A NUL byte is refused outright (deliberate): bcrypt would silently
    /// ignore everything after it.
    public func violation(of password: String) -> String? {
        let range = NSRange(password.startIndex..., in: password)
        if password.unicodeScalars.contains("\0") || regexp.firstMatch(in: password, range: range) == nil {
            return ErrorKey.Record.passwordRequirements
        }
        if entropy.entropy(of: password) < entropy.threshold {
            return ErrorKey.Record.passwordWeak
        }
        return nil
    }

    /// Text for an activity's `reason`, as Barong's model messages read.
    public static func reason(for key: String) -> String {
        key == ErrorKey.Record.passwordWeak ? "Password is too weak" : "Password does not meet the minimum requirements"
    }
}
