import JWTKit
import PortcullisCore

/// The signers of `management_api.yml` as jwt-kit keys, one collection per
/// signer id, so a signature is only ever checked with its own signer's key
/// and configured algorithm.
public struct ManagementKeychain: ManagementSignatureVerifier {
    let keys: [String: JWTKeyCollection]

    /// `keys` by signer id (empty: no signer is known, every request fails).
    public init(keys: [String: JWTKeyCollection]) { self.keys = keys }

    /// Refuses (ConfigError naming `file`) a key jwt-kit cannot read for its algorithm.
    public static func make(config: ManagementAPIConfig, file: String) async throws -> ManagementKeychain {
        var keys: [String: JWTKeyCollection] = [:]
        for (id, signer) in config.keychain {
            let collection = JWTKeyCollection()
            do {
                switch signer.algorithm {
                case "RS256", "RS384", "RS512":
                    let digest: DigestAlgorithm = signer.algorithm == "RS256" ? .sha256 : signer.algorithm == "RS384" ? .sha384 : .sha512
                    await collection.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: signer.publicKeyPEM), digestAlgorithm: digest)
                case "ES256": await collection.add(ecdsa: try ES256PublicKey(pem: signer.publicKeyPEM))
                case "ES384": await collection.add(ecdsa: try ES384PublicKey(pem: signer.publicKeyPEM))
                default: await collection.add(ecdsa: try ES512PublicKey(pem: signer.publicKeyPEM))
                }
            } catch {
                throw ConfigError("\(file): keychain.\(id) is not a \(signer.algorithm) public key")
            }
            keys[id] = collection
        }
        return ManagementKeychain(keys: keys)
    }

    public func verify(kid: String, signingInput: [UInt8], signature: [UInt8]) async -> Bool {
        guard let collection = keys[kid], let algorithm = try? await collection.getKey() else { return false }
        return (try? algorithm.verify(signature, signs: signingInput)) ?? false
    }
}

/// Signs with the server's RS256 key (`otp/sign` appends such a signature, kid `barong`).
public struct ServerJWSSigner: ServerSigner {
    let keys: JWTKeyCollection

    public static func make(privateKeyPEM: String) async throws -> ServerJWSSigner {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM), digestAlgorithm: .sha256)
        return ServerJWSSigner(keys: keys)
    }

    public func sign(_ signingInput: [UInt8]) async throws -> [UInt8] {
        try await keys.getKey().sign(signingInput)
    }
}
