/// WebAuthn Level 2 §6.1: the authenticator data — rpIdHash (32 bytes),
/// flags (1), signature counter (4, big-endian), then on registration the
/// attested credential data (AAGUID 16, id length 2, id, COSE key).
public struct AuthenticatorData: Sendable {
    public let rpIDHash: [UInt8]
    public let flags: UInt8
    public let signCount: UInt32
    public let credentialID: [UInt8]?
    public let publicKey: CBORValue?
    /// The COSE key as sent (stored as it is).
    public let publicKeyBytes: [UInt8]?

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }
    /// Backup state (BS): the credential is synced (a passkey in a cloud keychain).
    public var backedUp: Bool { flags & 0x10 != 0 }

    /// Credential ids are at most 1023 bytes (WebAuthn Level 3 §5.8.3).
    static let longestCredentialID = 1023

    public init(_ bytes: [UInt8], cbor: any CBORDecoding) throws {
        guard bytes.count >= 37 else { throw PasskeyFailure("authenticator data is too short") }
        rpIDHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        guard flags & 0x40 != 0 else {
            credentialID = nil; publicKey = nil; publicKeyBytes = nil
            return
        }
        guard bytes.count >= 55 else { throw PasskeyFailure("attested credential data is too short") }
        let length = Int(bytes[53]) << 8 | Int(bytes[54])
        guard length > 0, length <= Self.longestCredentialID, bytes.count >= 55 + length else {
            throw PasskeyFailure("credential id length")
        }
        credentialID = Array(bytes[55..<(55 + length)])
        let rest = Array(bytes[(55 + length)...])
        let (key, keyLength) = try cbor.decodePrefix(rest)
        publicKey = key
        publicKeyBytes = Array(rest[0..<keyLength])
    }
}

/// The client data JSON the browser signs (WebAuthn Level 2 §5.8.1).
public struct ClientData: Sendable, Decodable {
    public let type: String
    public let challenge: String
    public let origin: String
}

/// Why a passkey was refused: recorded in the activity log, never answered
/// (the answer is one key, no oracle).
public struct PasskeyFailure: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}
