/// The claims of a confirmation or reset token.
public struct OneTimeClaims: Sendable, Equatable {
    public var subject: String
    public var email: String
    public var uid: String
    public var jti: String
    public var resetToken: String?
    public var issuedAt: Int64
    public var expiresAt: Int64

    public init(subject: String, email: String, uid: String, jti: String, resetToken: String?, issuedAt: Int64, expiresAt: Int64) {
        self.subject = subject; self.email = email; self.uid = uid; self.jti = jti
        self.resetToken = resetToken; self.issuedAt = issuedAt; self.expiresAt = expiresAt
    }
}

/// Signs and verifies one-time tokens with the server's RS256 key.
public protocol OneTimeTokenSigner: Sendable {
    func sign(_ claims: OneTimeClaims) async throws -> String
    /// The verified claims; failures throw 422 `jwt.decode_and_verify.<word>`.
    func verify(_ token: String, subject: String) async throws -> OneTimeClaims
}
