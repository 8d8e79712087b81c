import Foundation

/// The parts of WebAuthn Level 2 §7.2 every assertion passes, whatever it
/// is for (a sign-in or a step-up): the fields decoded and bounded, then —
/// once the caller has found the passkey — the authenticator data and the
/// signature checked against the passkey's stored key.
struct AssertionCheck {
    let settings: PasskeySettings
    let cbor: any CBORDecoding

    struct Parsed {
        let client: (data: ClientData, bytes: [UInt8], challenge: [UInt8])
        let authBytes: [UInt8]
        let signature: [UInt8]
        /// The credential id, base64url as stored.
        let credentialID: String
    }

    func parse(_ credential: AssertionCredential, challengeLengths: Set<Int> = [32]) throws -> Parsed {
        guard credential.type == "public-key" else { throw PasskeyFailure("credential type") }
        let client = try Ceremony(settings: settings).clientData(credential.response.clientDataJSON, type: "webauthn.get",
                                                                 challengeLengths: challengeLengths)
        guard let authBytes = Base64URL.decode(credential.response.authenticatorData), authBytes.count <= 4096,
              let signature = Base64URL.decode(credential.response.signature), signature.count <= 1024,
              let rawID = Base64URL.decode(credential.rawId), !rawID.isEmpty, rawID.count <= AuthenticatorData.longestCredentialID else {
            throw PasskeyFailure("assertion fields are not base64url")
        }
        // `id` is `rawId` in base64url (toJSON gives both); a different one is not this credential.
        guard credential.id == credential.rawId else { throw PasskeyFailure("id differs from rawId") }
        return Parsed(client: client, authBytes: authBytes, signature: signature, credentialID: Base64URL.encode(rawID))
    }

    /// The authenticator data (our RP, user present; verified too unless
    /// `verified` is false) and the signature by `passkey`'s key.
    func authenticate(_ parsed: Parsed, by passkey: Passkey, verified: Bool = true) throws -> AuthenticatorData {
        let authData: AuthenticatorData
        do { authData = try AuthenticatorData(parsed.authBytes, cbor: cbor) } catch let error as CBORError {
            throw PasskeyFailure("authenticator data: \(error.reason)")
        }
        try Ceremony(settings: settings).check(authData, verified: verified)
        guard let keyBytes = Base64URL.decode(passkey.publicKey) else { throw PasskeyFailure("stored key") }
        let key: COSEKey
        do { key = try COSEKey(try cbor.decode(keyBytes)) } catch let error as CBORError { throw PasskeyFailure("stored key: \(error.reason)") }
        guard key.isValid(signature: parsed.signature, for: Ceremony.signedBytes(authData: parsed.authBytes, clientData: parsed.client.bytes)) else {
            throw PasskeyFailure("signature")
        }
        return authData
    }

    /// A counter that does not grow (when either side counts) is a copied authenticator.
    static func counterGrew(_ authData: AuthenticatorData, over passkey: Passkey) -> Bool {
        let counted = Int64(authData.signCount)
        return (counted == 0 && passkey.signCount == 0) || counted > passkey.signCount
    }
}
