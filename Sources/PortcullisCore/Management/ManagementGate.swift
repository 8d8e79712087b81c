import Foundation

/// Checks one signature with the signer's configured key (jwt-kit in production).
public protocol ManagementSignatureVerifier: Sendable {
    func verify(kid: String, signingInput: [UInt8], signature: [UInt8]) async -> Bool
}

/// Verifies a management request: a JWS in JSON
/// general serialization; every signature from a permitted signer of the
/// route's scope must verify with the algorithm configured for it
/// (deliberate difference), the claims must pass, every mandatory signer
/// must have signed, and a `jti` is accepted once until its `exp` (across
/// instances: the mark is a row in the shared database). Headers naming
/// `crit` are refused, and (when configured) high-S ECDSA signatures.
public struct ManagementGate: Sendable {
    let config: ManagementAPIConfig?
    let verifier: any ManagementSignatureVerifier
    let store: any Store
    let clock: any ServerClock
    let requireExp: Bool
    /// Refuse high-S ECDSA signatures (`management_api_low_s_only`). Off by
    /// default: OpenSSL-based signers (ruby-jwt, jwcrypto, Go) write high-S
    /// half of the time, and replay protection is keyed by `jti`, never by
    /// signature bytes, so a respelled signature gains nothing.
    let lowSOnly: Bool

    public init(config: ManagementAPIConfig?, verifier: any ManagementSignatureVerifier, store: any Store, clock: any ServerClock,
                requireExp: Bool, lowSOnly: Bool = false) {
        self.config = config; self.verifier = verifier; self.store = store; self.clock = clock; self.requireExp = requireExp
        self.lowSOnly = lowSOnly
    }

    /// The JSON text of the claims' `data` object (the endpoint's params).
    public func verify(body: [UInt8], scope name: String) async throws -> [UInt8] {
        typealias Failure = ManagementError
        guard let config, let scope = config.scopes[name] else { throw Failure.verificationFailed }
        guard let jws = try? JSONDecoder().decode(ManagementEnvelope.self, from: Data(body)), !jws.signatures.isEmpty,
              Base64URL.isCanonical(jws.payload), let payloadBytes = Base64URL.decode(jws.payload),
              // The claims stay a JSON object: their checks depend on JSON types, and `data` goes on as the params.
              let claims = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any] else {
            throw Failure.verificationFailed
        }
        var verified: Set<String> = []
        for case let entry? in jws.signatures {
            guard let kid = entry.header?.kid, scope.permittedSigners.contains(kid), let signer = config.keychain[kid] else { continue }
            guard let protected = entry.protected, let signature = entry.signature,
                  Base64URL.isCanonical(protected), Base64URL.isCanonical(signature),
                  let header = Base64URL.decode(protected).flatMap({ try? JSONDecoder().decode(ManagementEnvelope.Header.self, from: Data($0)) }),
                  header.alg == signer.algorithm,
                  // RFC 7515 §4.1.11: we implement no extension, so any `crit` is one we do not understand.
                  !header.hasCrit, entry.header?.hasCrit != true,
                  let signatureBytes = Base64URL.decode(signature), !lowSOnly || ECDSALowS.accepts(signatureBytes, algorithm: signer.algorithm),
                  await verifier.verify(kid: kid, signingInput: Array("\(protected).\(jws.payload)".utf8), signature: signatureBytes) else {
                throw Failure.verificationFailed
            }
            verified.insert(kid)
        }
        let now = clock.now()
        guard ManagementClaims(options: config.claims, requireExp: requireExp).accept(claims, now: now) else {
            throw Failure.verificationFailed
        }
        guard scope.mandatorySigners.allSatisfy(verified.contains) else { throw Failure.notEnoughSignatures }
        let data = claims["data"] ?? [String: Any]()
        guard data is [String: Any], let dataBytes = try? JSONSerialization.data(withJSONObject: data) else {
            throw Failure.verificationFailed
        }
        if let jti = claims["jti"] as? String {
            let expiry = ManagementClaims.seconds(claims["exp"]) ?? now + ManagementClaims.maxLifetime
            let fresh = try await store.writeStatement { tx in
                try await tx.markTokenUsed(hash: sha256Hex("management:" + jti), kind: "management_jti", userID: nil,
                                           expireAt: expiry, now: now)
            }
            guard fresh else { throw Failure.verificationFailed }
        }
        return Array(dataBytes)
    }
}

/// A JWS in JSON general serialization (RFC 7515 §7.2.1), as Barong's
/// management clients send it. A `signatures` entry that is not an object
/// is skipped (nil), as an unknown signer is.
struct ManagementEnvelope: Decodable {
    let payload: String
    let signatures: [Signature?]

    struct Signature: Decodable {
        let protected: String?
        let signature: String?
        let header: Header?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            protected = try? container.decodeIfPresent(String.self, forKey: .protected)
            signature = try? container.decodeIfPresent(String.self, forKey: .signature)
            header = try? container.decodeIfPresent(Header.self, forKey: .header)
        }

        enum CodingKeys: String, CodingKey { case protected, signature, header }
    }

    /// A header, protected (`alg`) or not (`kid`), and whether it names `crit`.
    struct Header: Decodable {
        let alg: String?
        let kid: String?
        let hasCrit: Bool

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            alg = try? container.decodeIfPresent(String.self, forKey: .alg)
            kid = try? container.decodeIfPresent(String.self, forKey: .kid)
            hasCrit = container.contains(.crit)
        }

        enum CodingKeys: String, CodingKey { case alg, kid, crit }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        payload = try container.decode(String.self, forKey: .payload)
        var entries = try container.nestedUnkeyedContainer(forKey: .signatures)
        var signatures: [Signature?] = []
        while !entries.isAtEnd {
            if let entry = try? entries.decode(Signature.self) {
                signatures.append(entry)
            } else {
                _ = try? entries.decode(SkippedValue.self)
                signatures.append(nil)
            }
        }
        self.signatures = signatures
    }

    enum CodingKeys: String, CodingKey { case payload, signatures }

    /// Consumes one JSON value of any type.
    private struct SkippedValue: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

/// The claims checks of ruby-jwt's options, with stricter lifetime rules (`exp` required by default, at most a day ahead).
struct ManagementClaims {
    let options: ManagementAPIConfig.ClaimOptions
    let requireExp: Bool
    /// An `exp` more than a day ahead is refused.
    static let maxLifetime: Int64 = 86_400

    func accept(_ claims: [String: Any], now: Int64) -> Bool {
        let leeway = options.leeway
        let exp = Self.seconds(claims["exp"])
        if claims["exp"] != nil && exp == nil { return false }
        if let exp {
            if options.verifyExpiration && exp <= now - leeway { return false }
            if exp > now + Self.maxLifetime { return false }
        } else if requireExp {
            return false
        }
        if options.verifyNotBefore, claims["nbf"] != nil {
            guard let nbf = Self.seconds(claims["nbf"]), nbf <= now + leeway else { return false }
        }
        if options.verifyIssuedAt, claims["iat"] != nil {
            guard let iat = Self.seconds(claims["iat"]), iat <= now + leeway else { return false }
        }
        // A jti is a non-empty string; it is required unless the deployment
        // turned the exp rule off (a numeric or empty jti would escape replay marking).
        if claims["jti"] != nil && Self.string(claims["jti"]) == nil { return false }
        if (requireExp || options.verifyJTI) && Self.string(claims["jti"]) == nil { return false }
        if options.verifyIssuer && Self.string(claims["iss"]) != options.issuer { return false }
        if options.verifySubject && Self.string(claims["sub"]) != options.subject { return false }
        if options.verifyAudience {
            let audiences = (claims["aud"] as? [Any])?.compactMap(Self.string) ?? [Self.string(claims["aud"])].compactMap { $0 }
            guard let expected = options.audience, audiences.contains(expected) else { return false }
        }
        return true
    }

    static func seconds(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        return Int64(exactly: number.doubleValue.rounded(.down))
    }

    static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }
}
