import Crypto
import Foundation
import HummingbirdTesting
@testable import PortcullisCore
@testable import PortcullisHTTP

/// A software passkey for router tests: stored straight into the user's
/// passkeys, then signing assertions the way a browser hands them over
/// (`PublicKeyCredential.toJSON()`).
struct SoftPasskey {
    let key = P256.Signing.PrivateKey()
    let credentialID = SecureRandom.bytes(16)
    let settings: PasskeySettings
    var count: UInt32 = 0

    /// A passkey for the user of `email`, registered as a verified ceremony would leave it.
    static func add(for email: String, _ harness: Harness) async throws -> SoftPasskey {
        let passkey = SoftPasskey(settings: harness.config.passkeySettings)
        let now = harness.clock.now()
        try await harness.store.write { tx in
            guard let user = try await tx.user(email: email) else { throw TestFailure("no user \(email)") }
            _ = try await tx.insertPasskey(Passkey(
                userID: user.id, credentialID: Base64URL.encode(passkey.credentialID),
                publicKey: Base64URL.encode(PasskeyDataTests.coseKey(passkey.key.publicKey)), algorithm: -7, signCount: 0,
                transports: ["internal"], backedUp: false, name: "soft", createdAt: now
            ))
        }
        return passkey
    }

    /// An assertion over `challenge` (base64url), with UV unless `verified` is false.
    mutating func assertion(_ challenge: String, verified: Bool = true) throws -> [String: Any] {
        count += 1
        let clientData = try JSONSerialization.data(withJSONObject: [
            "type": "webauthn.get", "challenge": challenge, "origin": settings.origins[0],
        ])
        let authData = Array(SHA256.hash(data: Data(settings.rpID.utf8))) + [verified ? 0x05 : 0x01]
            + withUnsafeBytes(of: count.bigEndian, Array.init)
        let signature = try key.signature(for: authData + Array(SHA256.hash(data: clientData))).derRepresentation
        let id = Base64URL.encode(credentialID)
        return ["id": id, "rawId": id, "type": "public-key", "response": [
            "clientDataJSON": Base64URL.encode(Array(clientData)), "authenticatorData": Base64URL.encode(authData),
            "signature": Base64URL.encode(Array(signature)),
        ] as [String: Any]]
    }
}

extension TestClientProtocol {
    /// A step-up challenge for `action` (and `payload`) from the session of `login`.
    func stepUpChallenge(_ action: String, payload: String? = nil, login: Login) async throws -> String {
        var body: [String: Any] = ["action": action]
        body["payload"] = payload
        let response = try await send(.post, "/resource/passkeys/step_up/options", json: body, login: login)
        guard let challenge = response.json["challenge"] as? String else { throw TestFailure("step-up options: \(response.text)") }
        return challenge
    }
}
