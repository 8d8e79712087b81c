/// A signed-in user proving it is them again: the password, and
/// the TOTP code whenever 2FA is on — a password alone never stands in for
/// the second factor. Each check runs through the login throttle, so a
/// wrong answer counts as a wrong login does and a waiting account gets 429.
/// Callers keep their own error keys and order; these only answer yes or no.
/// The code is checked by `otp.verify`, the one check of a TOTP code
/// outside the login form (the API-key guard, Auth0 and management use it too).
public struct Reauthentication: Sendable {
    let hasher: any PasswordHasher
    public let otp: OTPService
    let throttle: LoginThrottle

    public init(hasher: any PasswordHasher, otp: OTPService, throttle: LoginThrottle) {
        self.hasher = hasher; self.otp = otp; self.throttle = throttle
    }

    /// `secondFactorFollows`: a code (or an assertion) was sent and is
    /// checked next; the right password then does not wipe the count the
    /// code's guesses add to (it only gives back its own place).
    public func password(_ password: String, of user: User, client: ClientInfo, secondFactorFollows: Bool = false) async throws -> Bool {
        let (hasher, digest) = (self.hasher, user.passwordDigest)
        return try await throttle.checked(try await throttle.attempt(for: user, client: client), halfProof: secondFactorFollows) {
            await hasher.verify(password, digest: digest)
        }
    }
}
