import Crypto
import Foundation
import Testing
@testable import PortcullisCore
import PortcullisIntegrations

/// The WebAuthn byte formats through Debian's
/// libcbor: COSE keys, authenticator data, and hostile CBOR.
struct PasskeyDataTests {
    let cbor = LibCBORDecoder()

    /// A COSE EC2 P-256 key, CBOR-encoded by hand: {1: 2, 3: -7, -1: 1, -2: x, -3: y}.
    static func coseKey(_ key: P256.Signing.PublicKey) -> [UInt8] {
        let point = Array(key.x963Representation)
        return [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + point[1...32] + [0x22, 0x58, 0x20] + point[33...64]
    }

    static func authData(flags: UInt8, count: UInt32, credentialID: [UInt8], key: [UInt8], rpID: String = "example.com") -> [UInt8] {
        Array(SHA256.hash(data: Data(rpID.utf8))) + [flags] + withUnsafeBytes(of: count.bigEndian, Array.init)
            + [UInt8](repeating: 0, count: 16) + [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xff)] + credentialID + key
    }

    @Test func aCOSEKeyIsReadAndItsSignaturesChecked() throws {
        let privateKey = P256.Signing.PrivateKey()
        let bytes = Self.coseKey(privateKey.publicKey)
        let (value, length) = try cbor.decodePrefix(bytes + [0xA0])  // an extension map after it
        #expect(length == bytes.count)
        #expect(value[1]?.integer == 2 && value[3]?.integer == -7 && value[-1]?.integer == 1)
        let key = try COSEKey(value)
        #expect(key.algorithm == -7)
        let message = Array("signed".utf8)
        let signature = Array(try privateKey.signature(for: message).derRepresentation)
        #expect(key.isValid(signature: signature, for: message))
        #expect(!key.isValid(signature: signature, for: Array("other".utf8)))
        #expect(!key.isValid(signature: [0x30, 0x00], for: message))
        // An algorithm Portcullis does not offer is refused.
        var wrong = bytes
        wrong[4] = 0x27  // -8: EdDSA, not offered
        #expect(throws: PasskeyFailure.self) { try COSEKey(try cbor.decode(wrong)) }
    }

    @Test func authenticatorDataFieldsAndFlags() throws {
        let key = Self.coseKey(P256.Signing.PrivateKey().publicKey)
        let id = [UInt8](repeating: 7, count: 40)
        let data = try AuthenticatorData(Self.authData(flags: 0x45 | 0x10, count: 9, credentialID: id, key: key), cbor: cbor)
        #expect(data.userPresent && data.userVerified && data.backedUp)
        #expect(data.signCount == 9 && data.credentialID == id && data.publicKeyBytes == key)
        #expect(data.rpIDHash == Array(SHA256.hash(data: Data("example.com".utf8))))
        // An assertion's: no attested credential.
        let assertion = try AuthenticatorData(Array(Self.authData(flags: 0x01, count: 1, credentialID: [], key: [])[0..<37]), cbor: cbor)
        #expect(!assertion.userVerified && assertion.credentialID == nil)
    }

    @Test func truncatedOrLyingAuthenticatorDataIsRefused() throws {
        let key = Self.coseKey(P256.Signing.PrivateKey().publicKey)
        let whole = Self.authData(flags: 0x45, count: 0, credentialID: [1, 2, 3], key: key)
        for cut in [0, 10, 36, 40, 54, 57, whole.count - 1] {
            #expect(throws: (any Error).self, "cut at \(cut)") { try AuthenticatorData(Array(whole[0..<cut]), cbor: cbor) }
        }
        var lying = whole
        lying[53] = 0xFF; lying[54] = 0xFF  // a credential id of 65,535 bytes
        #expect(throws: PasskeyFailure.self) { try AuthenticatorData(lying, cbor: cbor) }
    }

    @Test func hostileCBORIsRefusedWithoutHarm() throws {
        // 10,000 nested arrays, a byte string that claims 4 GiB, a duplicate map key,
        // an indefinite string, trailing bytes, nothing at all.
        let deep = [UInt8](repeating: 0x81, count: 10_000) + [0x01]
        #expect(throws: (any Error).self) { try cbor.decode(deep) }
        #expect(throws: (any Error).self) { try cbor.decode([0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]) }
        #expect(throws: (any Error).self) { try cbor.decode([0xA2, 0x01, 0x01, 0x01, 0x02]) }
        #expect(throws: (any Error).self) { try cbor.decode([0x7F, 0x61, 0x61, 0xFF]) }
        #expect(throws: (any Error).self) { try cbor.decode([0x01, 0x02]) }
        #expect(throws: (any Error).self) { try cbor.decode([]) }
        #expect(try cbor.decode([0x83, 0x01, 0x20, 0x43, 0x61, 0x62, 0x63]) == .array([.unsigned(1), .negative(-1), .bytes([0x61, 0x62, 0x63])]))
    }
}
