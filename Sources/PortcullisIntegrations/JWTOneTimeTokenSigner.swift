import Foundation
import JWTKit
import PortcullisCore

/// Confirmation and reset tokens: RS256 JWTs signed with the server key.
/// Verification reproduces Barong's failure words.
public struct JWTOneTimeTokenSigner: OneTimeTokenSigner {
    let keys: JWTKeyCollection
    let clock: any ServerClock

    public static func make(privateKeyPEM: String, clock: any ServerClock) async throws -> JWTOneTimeTokenSigner {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM), digestAlgorithm: .sha256)
        return JWTOneTimeTokenSigner(keys: keys, clock: clock)
    }

    /// The wire claims; every field optional so verification can name what is wrong.
    struct Payload: JWTPayload {
        var iat: Double?
        var exp: Double?
        var nbf: Double?
        var sub: String?
        var iss: String?
        var aud: AudienceClaim?
        var jti: String?
        var email: String?
        var uid: String?
        var reset_token: String?

        /// Claim checks happen in `verify(_:subject:)`, in Barong's order and words.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    public func sign(_ claims: OneTimeClaims) async throws -> String {
        let payload = Payload(
            iat: Double(claims.issuedAt), exp: Double(claims.expiresAt), nbf: nil, sub: claims.subject, iss: BarongNames.issuer,
            aud: AudienceClaim(value: BarongNames.audience), jti: claims.jti, email: claims.email, uid: claims.uid,
            reset_token: claims.resetToken
        )
        return try await keys.sign(payload)
    }

    public func verify(_ token: String, subject: String) async throws -> OneTimeClaims {
        func fail(_ word: String) -> APIError { APIError(.unprocessable, ErrorKey.jwt(word)) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = CompactJWT.decodeSegment(parts[0]),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { throw fail("segments") }
        guard object["alg"] as? String == "RS256" else { throw fail("algorithm") }
        // Our tokens' header is exactly {"alg":"RS256","typ":"JWT"}; management
        // `otp/sign` signs {"alg":"RS256"} over a caller's payload with the same
        // key, so a header without `typ` is never one of ours.
        guard object["typ"] as? String == "JWT" else { throw fail("invalid") }
        guard CompactJWT.isCanonical(token) else { throw fail("raised") }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw fail("raised")
        } catch let error as JWTError where error.errorType == .malformedToken {
            throw fail("segments")
        } catch {
            throw fail("invalid")
        }
        let now = Double(clock.now())
        // Claims are the signer's numbers, but still outside input: a value
        // that is no whole Int64 (1e300, a fraction) is refused, never converted with a trap.
        guard let exp = payload.exp.flatMap(Self.seconds), let issuedAt = Self.seconds(payload.iat ?? 0) else {
            throw fail("invalid")
        }
        if now >= Double(exp) { throw fail("expired") }
        if let nbf = payload.nbf, nbf > now { throw fail("reached") }
        if let iat = payload.iat, iat > now { throw fail("iat") }
        guard payload.iss == BarongNames.issuer else { throw fail(payload.iss ?? "<none>") }
        guard let audience = payload.aud?.value, audience.contains(BarongNames.ownAudience) else {
            throw fail(payload.aud?.value.last ?? "<none>")
        }
        guard payload.sub == subject else { throw fail(payload.sub ?? "<none>") }
        guard let jti = payload.jti, !jti.isEmpty else { throw fail("jti") }
        guard let email = payload.email, let uid = payload.uid else { throw fail("invalid") }
        return OneTimeClaims(
            subject: subject, email: email, uid: uid, jti: jti, resetToken: payload.reset_token,
            issuedAt: issuedAt, expiresAt: exp
        )
    }

    /// Whole seconds that fit an Int64, else nil.
    static func seconds(_ value: Double) -> Int64? { Int64(exactly: value.rounded(.down)) }
}
