import Crypto
import Foundation

/// The relying party as the passkey settings name it.
public struct PasskeySettings: Sendable {
    public let rpID: String
    public let rpName: String
    public let origins: [String]

    public init(rpID: String, rpName: String, origins: [String]) {
        self.rpID = rpID; self.rpName = rpName; self.origins = origins
    }
}

/// A credential as `PublicKeyCredential.toJSON()` shapes it (byte fields base64url).
public struct CredentialJSON<Response: Decodable & Sendable>: Sendable, Decodable {
    public let id: String
    public let rawId: String
    public let type: String
    public let response: Response
}

/// A new credential: `AuthenticatorAttestationResponse`.
public typealias RegistrationCredential = CredentialJSON<AttestationResponse>
/// A sign-in: `AuthenticatorAssertionResponse`.
public typealias AssertionCredential = CredentialJSON<AssertionResponse>

public struct AttestationResponse: Sendable, Decodable {
    public let clientDataJSON: String
    public let attestationObject: String
    public let transports: [String]?
}

public struct AssertionResponse: Sendable, Decodable {
    public let clientDataJSON: String
    public let authenticatorData: String
    public let signature: String
    public let userHandle: String?
}

/// The checks both ceremonies make on what the browser signed (WebAuthn
/// Level 2 §7.1 steps 7–16, §7.2 steps 11–17).
struct Ceremony {
    let settings: PasskeySettings

    /// The client data: its type, a challenge (base64url) of one of the
    /// lengths this server issues, and an allowed origin.
    func clientData(_ encoded: String, type: String, challengeLengths: Set<Int> = [32]) throws
        -> (data: ClientData, bytes: [UInt8], challenge: [UInt8]) {
        guard let bytes = Base64URL.decode(encoded), bytes.count <= 4096 else { throw PasskeyFailure("client data is not base64url") }
        let data: ClientData
        do { data = try JSONDecoder().decode(ClientData.self, from: Data(bytes)) } catch {
            throw PasskeyFailure("client data is not JSON")
        }
        guard data.type == type else { throw PasskeyFailure("client data type \(data.type.prefix(32))") }
        guard settings.origins.contains(data.origin) else { throw PasskeyFailure("origin \(data.origin.prefix(100))") }
        guard let challenge = Base64URL.decode(data.challenge), challengeLengths.contains(challenge.count) else {
            throw PasskeyFailure("challenge")
        }
        return (data, bytes, challenge)
    }

    /// The authenticator data names our RP and says the user was present
    /// (and verified, unless the caller checks that itself to say so apart).
    func check(_ authData: AuthenticatorData, verified: Bool = true) throws {
        guard Array(SHA256.hash(data: Data(settings.rpID.utf8))) == authData.rpIDHash else {
            throw PasskeyFailure("rpIdHash")
        }
        guard authData.userPresent else { throw PasskeyFailure("user not present") }
        guard !verified || authData.userVerified else { throw PasskeyFailure("user not verified") }
    }

    /// What an assertion and a packed self-attestation sign: authenticator data ‖ SHA-256(client data).
    static func signedBytes(authData: [UInt8], clientData: [UInt8]) -> [UInt8] {
        authData + Array(SHA256.hash(data: clientData))
    }

    /// The key a challenge is stored under: its SHA-256 (the challenge itself is a secret until used).
    static func challengeHash(_ challenge: [UInt8]) -> String { sha256Hex(challenge) }
}
