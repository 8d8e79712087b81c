import Foundation

/// A password: the configured regexp must match, then the entropy must
/// reach the minimum, then (for a new password) it must not be in a breach
/// list. Only the first failing rule is reported.
public struct PasswordPolicy: Sendable {
    private let regexp: NSRegularExpression
    public let entropy: PasswordEntropy
    public let breaches: BreachScreen

    public init(config: Config, breaches: BreachScreen = .off) throws {
        regexp = try NSRegularExpression(pattern: config.passwordRegexp)
        entropy = PasswordEntropy(minEntropy: config.passwordMinEntropy, useDictionary: config.passwordUseDictionary)
        self.breaches = breaches
    }

    /// The record key a new password is refused with, or nil: the rules of
    /// `violation(of:)`, then the breach list (asked only for a password
    /// that passes them, so a weak one costs no lookup).
    public func refusal(of password: String) async -> String? {
        if let key = violation(of: password) { return key }
        return await breaches.refuses(password) ? ErrorKey.Record.passwordBreached : nil
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
        switch key {
        case ErrorKey.Record.passwordWeak: "Password is too weak"
        case ErrorKey.Record.passwordBreached: "Password appears in a data breach"
        default: "Password does not meet the minimum requirements"
        }
    }
}
