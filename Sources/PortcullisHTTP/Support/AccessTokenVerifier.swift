import JWTKit
import PortcullisCore
import PortcullisIntegrations

/// The claims of the bearer JWT that authorize hands to upstreams.
struct AccessClaims: JWTPayload {
    var uid: String
    var email: String?
    var role: String?
    var level: Int?
    var state: String?
    var sub: SubjectClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == "barong" else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        try aud.verifyIntendedAudience(includes: "barong")
        // Only the kind authorize issues: a confirmation or reset token
        // (`sub` confirmation / reset) is signed by the same key but is no bearer.
        guard sub.value == AccessTokenKind.session else {
            throw JWTError.claimVerificationFailure(failedClaim: sub, reason: "subject")
        }
    }
}

/// The `sub` of the JWT authorize issues.
enum AccessTokenKind {
    static let session = "session"
}

/// Verifies `Authorization: Bearer` tokens signed with the server key.
struct AccessTokenVerifier: Sendable {
    let keys: JWTKeyCollection

    static func make(privateKeyPEM: String) async throws -> AccessTokenVerifier {
        let key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        return AccessTokenVerifier(keys: keys)
    }

    /// The uid the token speaks for; any failure is 401 `jwt.decode_and_verify`.
    func uid(from token: String) async throws -> String {
        guard CompactJWT.isCanonical(token), CompactJWT.hasOurHeader(token) else {
            throw APIError(.unauthorized, ErrorKey.Authz.jwtInvalid)
        }
        do {
            let claims = try await keys.verify(token, as: AccessClaims.self)
            return claims.uid
        } catch {
            throw APIError(.unauthorized, ErrorKey.Authz.jwtInvalid)
        }
    }
}
