import Crypto
import Foundation
import JWTKit
import PortcullisCore

/// The provider's JWTs (RS256, with the JWKS's `kid`): RFC 9068 access
/// tokens (`typ` at+jwt) and ID tokens. A token of another kind this key
/// signs (authorize's bearer, a mailed token) is never read as either.
public struct OIDCJWTSigner: OIDCTokenSigner {
    let keys: JWTKeyCollection
    let kid: String

    public static func make(privateKeyPEM: String) async throws -> OIDCJWTSigner {
        let key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        let kid = try JWTAccessTokenIssuer.keyID(of: key)
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        return OIDCJWTSigner(keys: keys, kid: kid)
    }

    public func sign(access c: OIDCAccessClaims) async throws -> String {
        let payload = AccessPayload(
            iss: c.iss, sub: c.sub, aud: c.aud, client_id: c.clientID, scope: c.scope, jti: c.jti, iat: c.iat, exp: c.exp,
            auth_time: c.authTime, fid: c.family, uid: c.kyc?.uid, email: c.kyc?.email, role: c.kyc?.role, level: c.kyc?.level,
            state: c.kyc?.state
        )
        return try await keys.sign(payload, kid: JWKIdentifier(string: kid), header: ["typ": "at+jwt"])
    }

    public func sign(id c: OIDCIDClaims) async throws -> String {
        let payload = IDPayload(
            iss: c.iss, sub: c.sub, aud: c.aud, iat: c.iat, exp: c.exp, auth_time: c.authTime, nonce: c.nonce, acr: c.acr, amr: c.amr,
            azp: c.azp, email: c.email, email_verified: c.emailVerified, preferred_username: c.preferredUsername, at_hash: c.atHash
        )
        return try await keys.sign(payload, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
    }

    public func verifyAccess(_ token: String) async -> OIDCAccessClaims? {
        guard token.utf8.count <= 8192, CompactJWT.isCanonical(token), let p = try? await keys.verify(token, as: AccessPayload.self),
              (try? DefaultJWTParser().parse(Array(token.utf8), as: AccessPayload.self))?.header.typ == "at+jwt" else { return nil }
        let kyc = p.uid.map { uid in
            OIDCAccessClaims.KYCClaims(uid: uid, email: p.email ?? "", role: p.role ?? "", level: p.level ?? 0, state: p.state ?? "")
        }
        return OIDCAccessClaims(iss: p.iss, sub: p.sub, aud: p.aud, clientID: p.client_id, scope: p.scope, jti: p.jti, iat: p.iat,
                                exp: p.exp, authTime: p.auth_time, family: p.fid, kyc: kyc)
    }

    public func verifyIDHint(_ token: String) async -> OIDCIDClaims? {
        guard token.utf8.count <= 8192, CompactJWT.isCanonical(token), let p = try? await keys.verify(token, as: IDPayload.self),
              (try? DefaultJWTParser().parse(Array(token.utf8), as: IDPayload.self))?.header.typ == "JWT" else { return nil }
        return OIDCIDClaims(iss: p.iss, sub: p.sub, aud: p.aud, iat: p.iat, exp: p.exp, authTime: p.auth_time, nonce: p.nonce,
                            acr: p.acr, amr: p.amr, azp: p.azp, email: p.email, emailVerified: p.email_verified,
                            preferredUsername: p.preferred_username)
    }

    struct AccessPayload: JWTPayload {
        var iss, sub, aud, client_id, scope, jti: String
        var iat, exp: Int64
        var auth_time: Int64?
        var fid: String
        var uid, email, role: String?
        var level: Int?
        var state: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(exp))).verifyNotExpired()
        }
    }

    /// Its expiry is not checked here: a logout's `id_token_hint` may be old.
    struct IDPayload: JWTPayload {
        var iss, sub, aud: String
        var iat, exp, auth_time: Int64
        var nonce: String?
        var acr: String
        var amr: [String]
        var azp: String
        var email: String?
        var email_verified: Bool?
        var preferred_username: String?
        var at_hash: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
