/// What an Auth0 `id_token` says, once verified.
public struct VerifiedIdentity: Sendable, Equatable {
    public var email: String?
    public var emailVerified: Bool
    public init(email: String?, emailVerified: Bool) { self.email = email; self.emailVerified = emailVerified }
}

/// Verifies Auth0 id tokens (RS256 against Auth0's JWKS, `iss`, `aud`, `exp`).
public protocol IDTokenVerifier: Sendable {
    func verify(_ idToken: String) async throws -> VerifiedIdentity
}
