import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import PortcullisCore

/// Auth0 id tokens: RS256 only, key chosen by `kid` from the JWKS at
/// `auth0_jwks_url` (default `https://<domain>/.well-known/jwks.json`),
/// cached; an unknown `kid` refetches at most once a minute.
public actor Auth0TokenVerifier: IDTokenVerifier {
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var email: String?
        var email_verified: Bool?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    let client: HTTPClient
    let jwksURL: String
    let issuer: String
    let audience: String
    let clock: any ServerClock
    var keys: JWTKeyCollection?
    /// The `kid`s of the fetched JWKS: a token must name one of them.
    var kids: Set<String> = []
    var fetchedAt: Int64 = Int64.min / 2

    public init(client: HTTPClient, domain: String, jwksURL: String, clientID: String, clock: any ServerClock) {
        self.client = client
        self.jwksURL = jwksURL.isEmpty ? "https://\(domain)/.well-known/jwks.json" : jwksURL
        self.issuer = "https://\(domain)/"
        self.audience = clientID
        self.clock = clock
    }

    public func verify(_ idToken: String) async throws -> VerifiedIdentity {
        let header = idToken.split(separator: ".").first.flatMap { CompactJWT.decodeSegment($0) }
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        guard header?["alg"] as? String == "RS256", let kid = header?["kid"] as? String,
              CompactJWT.isCanonical(idToken) else {
            throw JWTError.signatureVerificationFailed
        }
        var collection = try await currentKeys()
        if !kids.contains(kid) && clock.now() - fetchedAt >= 60 {
            keys = nil
            collection = try await currentKeys()
        }
        guard kids.contains(kid) else { throw JWTError.unknownKID(JWKIdentifier(string: kid)) }
        let claims = try await collection.verify(idToken, as: Claims.self)
        guard claims.iss.value == issuer, claims.aud.value.contains(audience) else { throw JWTError.claimVerificationFailure(failedClaim: claims.iss, reason: "iss/aud") }
        return VerifiedIdentity(email: claims.email, emailVerified: claims.email_verified ?? false)
    }

    private func currentKeys() async throws -> JWTKeyCollection {
        if let keys { return keys }
        let response = try await client.execute(HTTPClientRequest(url: jwksURL), timeout: .seconds(5))
        guard response.status == .ok else { throw JWTError.invalidJWK(reason: "JWKS fetch failed") }
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = String(buffer: body)
        let collection = try await JWTKeyCollection().add(jwksJSON: json)
        let parsed = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        kids = Set((parsed?["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String })
        keys = collection
        fetchedAt = clock.now()
        return collection
    }
}
