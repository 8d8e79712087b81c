import Foundation
import JWTKit
import PortcullisCore

/// The claims of the bearer JWT authorize hands to upstreams, as Barong
/// writes them: the one type both the issuer and the verifier use.
public struct GatewayClaims: JWTPayload, Equatable {
    public var uid: String
    public var email: String
    public var username: String?
    public var referral_id: Int64?
    public var role: String
    public var level: Int
    public var state: String
    public var iat: Int64
    public var exp: Int64
    public var sub: String
    public var iss: String
    public var aud: [String]
    public var jti: String

    public init(uid: String, email: String, username: String?, referralID: Int64?, role: String, level: Int, state: String,
                iat: Int64, exp: Int64, jti: String, sub: String = BarongNames.sessionSubject, iss: String = BarongNames.issuer,
                aud: [String] = BarongNames.audience) {
        self.uid = uid; self.email = email; self.username = username; self.referral_id = referralID; self.role = role
        self.level = level; self.state = state; self.iat = iat; self.exp = exp; self.sub = sub; self.iss = iss; self.aud = aud
        self.jti = jti
    }

    /// Only a live token of the kind authorize issues: a confirmation or
    /// reset token is signed by the same key but is no bearer.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(exp))).verifyNotExpired()
        guard iss == BarongNames.issuer else { throw JWTError.claimVerificationFailure(failedClaim: IssuerClaim(value: iss), reason: "issuer") }
        try AudienceClaim(value: aud).verifyIntendedAudience(includes: BarongNames.ownAudience)
        guard sub == BarongNames.sessionSubject else {
            throw JWTError.claimVerificationFailure(failedClaim: SubjectClaim(value: sub), reason: "subject")
        }
    }

    /// `username` and `referral_id` are null, not absent, when unset.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uid, forKey: .uid); try c.encode(email, forKey: .email)
        try c.encode(username, forKey: .username); try c.encode(referral_id, forKey: .referral_id)
        try c.encode(role, forKey: .role); try c.encode(level, forKey: .level); try c.encode(state, forKey: .state)
        try c.encode(iat, forKey: .iat); try c.encode(exp, forKey: .exp); try c.encode(sub, forKey: .sub)
        try c.encode(iss, forKey: .iss); try c.encode(aud, forKey: .aud); try c.encode(jti, forKey: .jti)
    }
}
