import Crypto
import _CryptoExtras
import Foundation

/// A credential public key from its COSE form (RFC 9053), for the two
/// algorithms Portcullis offers: ES256 (-7, EC2 on P-256) and RS256 (-257).
public enum COSEKey: Sendable {
    case es256(P256.Signing.PublicKey)
    case rs256(_RSA.Signing.PublicKey)

    public static let allowedAlgorithms: [Int64] = [-7, -257]

    public init(_ key: CBORValue) throws {
        switch (key[1]?.integer, key[3]?.integer) {
        case (2, -7):
            guard key[-1]?.integer == 1, let x = key[-2]?.byteString, let y = key[-3]?.byteString, x.count == 32, y.count == 32 else {
                throw PasskeyFailure("EC2 key is not P-256")
            }
            do { self = .es256(try P256.Signing.PublicKey(x963Representation: [0x04] + x + y)) } catch {
                throw PasskeyFailure("EC2 key is not on the curve")
            }
        case (3, -257):
            guard let n = key[-1]?.byteString, let e = key[-2]?.byteString, n.count >= 256, n.count <= 512, !e.isEmpty, e.count <= 8 else {
                throw PasskeyFailure("RSA key size")
            }
            do { self = .rs256(try _RSA.Signing.PublicKey(n: n, e: e)) } catch { throw PasskeyFailure("RSA key") }
        default:
            throw PasskeyFailure("key type or algorithm not allowed")
        }
    }

    public var algorithm: Int64 {
        switch self {
        case .es256: -7
        case .rs256: -257
        }
    }

    /// The signature over `data`: DER ECDSA for ES256, PKCS#1 v1.5 for RS256.
    public func isValid(signature: [UInt8], for data: [UInt8]) -> Bool {
        switch self {
        case .es256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA256.hash(data: data))
        case .rs256(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: data),
                                        padding: .insecurePKCS1v1_5)
        }
    }
}
