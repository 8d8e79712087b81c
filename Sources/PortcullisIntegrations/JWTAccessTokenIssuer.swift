import Crypto
import Foundation
import JWTKit
import PortcullisCore
import Synchronization

/// Signs the authorize JWT: RS256, header without `kid`.
/// RS256 signing costs ~0.4 ms, so a token is reused for the same
/// credential and identical claims while more than half its life is left.
public final class JWTAccessTokenIssuer: AccessTokenIssuer {
    struct CachedToken {
        let identity: AccessIdentity
        let token: String
        let expiresAt: Int64
    }

    let keys: JWTKeyCollection
    let clock: any ServerClock
    let lifetime: Int64
    private let cache = Mutex<[String: CachedToken]>([:])

    public init(keys: JWTKeyCollection, clock: any ServerClock, lifetime: Int) {
        self.keys = keys; self.clock = clock; self.lifetime = Int64(lifetime)
    }

    public static func make(privateKeyPEM: String, clock: any ServerClock, lifetime: Int) async throws -> JWTAccessTokenIssuer {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM), digestAlgorithm: .sha256)
        return JWTAccessTokenIssuer(keys: keys, clock: clock, lifetime: lifetime)
    }

    public func cachedToken(for identity: AccessIdentity, reuseKey: String) -> String? {
        guard let cached = cache.withLock({ $0[reuseKey] }), cached.identity == identity,
              cached.expiresAt - clock.now() > lifetime / 2 else { return nil }
        return cached.token
    }

    public func token(for identity: AccessIdentity, reuseKey: String, notAfter: Int64?) async throws -> String {
        if let token = cachedToken(for: identity, reuseKey: reuseKey) { return token }
        let now = clock.now()
        let exp = min(now + lifetime, notAfter ?? .max)
        let claims = GatewayClaims(
            uid: identity.uid, email: identity.email, username: identity.username, referralID: identity.referralID,
            role: identity.role, level: identity.level, state: identity.state, iat: now, exp: exp,
            jti: SecureRandom.hex(bytes: 10)
        )
        let token = try await keys.sign(claims, header: ["typ": "JWT"])
        cache.withLock { table in
            if table.count > 100_000 { table.removeAll() }
            table[reuseKey] = CachedToken(identity: identity, token: token, expiresAt: exp)
        }
        return token
    }

    /// A SHA-256 prefix of the modulus: the key's `kid` in the JWKS.
    static func keyID(of key: JWTKit.Insecure.RSA.PrivateKey) throws -> String {
        let (modulus, _) = try key.publicKey.getKeyPrimitives()
        return String(SHA256.hash(data: modulus).hexString.prefix(16))
    }

    /// The public key as a JWKS (`public/jwks`, a deliberate addition).
    public static func jwks(privateKeyPEM: String) throws -> [String: Any] {
        let key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        func b64url(_ data: Data) -> String { Base64URL.encode(data) }
        // authorize's tokens carry no `kid`; the JWK names one anyway (the
        // OpenID Connect tokens carry it) for JWKS clients that need it.
        let kid = try keyID(of: key)
        return ["keys": [["kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": b64url(modulus), "e": b64url(exponent)]]]
    }
}
