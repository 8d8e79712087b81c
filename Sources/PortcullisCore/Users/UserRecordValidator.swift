import Foundation

/// Record (model) validation of a user's fields, one of the checks of sign-up.
/// Collects every failing key; the caller reports them together.
public struct UserRecordValidator: Sendable {
    let policy: PasswordPolicy

    public init(policy: PasswordPolicy) { self.policy = policy }

    public func validateUsername(_ username: String) -> String? {
        // Per scalar: a Character such as "a\u{0301}" or "\r\n" is not what the rule means.
        if !username.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) {
            return ErrorKey.Record.usernameInvalid
        }
        if username.count < 4 { return ErrorKey.Record.usernameTooShort }
        if username.count > 12 { return ErrorKey.Record.usernameTooLong }
        return nil
    }

    /// `data` must be a JSON object (deliberate difference) of at most 1024 characters.
    public func validateData(_ data: String) -> String? {
        if data.count > 1024 { return ErrorKey.Record.dataTooLong }
        guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed]),
              object is [String: Any] else { return ErrorKey.Record.dataInvalidFormat }
        return nil
    }
}
