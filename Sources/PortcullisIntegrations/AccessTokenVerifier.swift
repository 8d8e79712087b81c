import JWTKit
import PortcullisCore

/// Verifies `Authorization: Bearer` tokens: signed with the server key and
/// carrying `GatewayClaims` that pass their own checks.
public struct AccessTokenVerifier: Sendable {
    let keys: JWTKeyCollection

    public static func make(privateKeyPEM: String) async throws -> AccessTokenVerifier {
        let key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        return AccessTokenVerifier(keys: keys)
    }

    /// The uid the token speaks for; any failure is 401 `jwt.decode_and_verify`.
    public func uid(from token: String) async throws -> String {
        guard CompactJWT.isCanonical(token), CompactJWT.hasOurHeader(token) else {
            throw APIError(.unauthorized, ErrorKey.Authz.jwtInvalid)
        }
        do {
            return try await keys.verify(token, as: GatewayClaims.self).uid
        } catch {
            throw APIError(.unauthorized, ErrorKey.Authz.jwtInvalid)
        }
    }
}
