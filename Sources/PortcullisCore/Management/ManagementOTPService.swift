import Foundation

/// Signs bytes with the server's RS256 key (jwt-kit in production).
public protocol ServerSigner: Sendable {
    func sign(_ signingInput: [UInt8]) async throws -> [UInt8]
}

/// Management `otp/sign`: an active user's TOTP code — or a passkey
/// step-up assertion that approved exactly this payload (takeover.md §S) —
/// vouches for a JWS a back-end built; the server appends its own RS256
/// signature (kid `barong`, the key that signs the authorize JWT). An accepted code is
/// spent (deliberate difference). Each signing and each refusal of an
/// assertion is an activity row of the user.
public struct ManagementOTPService: Sendable {
    let store: any Store
    let otp: OTPService
    let signer: any ServerSigner

    let clock: any ServerClock

    public init(store: any Store, otp: OTPService, signer: any ServerSigner, clock: any ServerClock) {
        self.store = store; self.otp = otp; self.signer = signer; self.clock = clock
    }

    /// `jwt`: the JWS object's JSON text; returns the JSON text with the signature appended.
    public func sign(uid: String, proof: SecondFactor, jwt: [UInt8], client: ClientInfo) async throws -> String {
        guard var jws = (try? JSONSerialization.jsonObject(with: Data(jwt))) as? [String: Any] else {
            throw ManagementError.sentence(.unprocessable, "jwt is invalid")
        }
        // Refused before the code is spent: such a payload is never signed.
        if let payload = jws["payload"] as? String, let reason = Self.reservedClaims(payload) {
            throw ManagementError.sentence(.unprocessable, "JWT is invalid by the reason \"\(reason)\"")
        }
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }), user.state == .active else {
            throw ManagementError.recordNotFound
        }
        switch proof {
        case .passkey(let assertion):
            // Users without TOTP but with a passkey may approve this way.
            do {
                try await otp.stepUp.verify(assertion, of: user, action: .otpSign, caller: .backEnd, payload: jws["payload"] as? String,
                                            client: client)
            } catch let refusal as StepUpRefusal {
                throw ManagementError.sentence(.unprocessable, Self.refusalKey(refusal))
            } catch let error as APIError {
                // The account waits (the login throttle), answered as the code path answers it.
                throw ManagementError.sentence(.unprocessable, error.keys.first ?? ErrorKey.Session.tooManyAttempts)
            }
        case .code(let code):
            guard user.otp else { throw ManagementError.sentence(.unprocessable, "Account has not enabled 2FA") }
            let accepted: Bool
            // Counted in the login throttle on the account (the caller is a back-end, not the user's address).
            do { accepted = try await otp.verify(code ?? "", of: user, client: nil) } catch let error as APIError {
                throw ManagementError.sentence(.unprocessable, error.keys.first ?? ErrorKey.OTP.backend)
            }
            guard accepted else { throw ManagementError.sentence(.unprocessable, "OTP code is invalid") }
        }
        guard let payload = jws["payload"] as? String, Base64URL.isCanonical(payload), let signatures = jws["signatures"] as? [Any] else {
            throw ManagementError.sentence(.unprocessable,
                                           "JWT is invalid by the reason \"expected a JSON general serialization with payload and signatures\"")
        }
        let protected = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8))
        let signature = try await signer.sign(Array("\(protected).\(payload)".utf8))
        jws["signatures"] = signatures + [["protected": protected, "header": ["kid": BarongNames.issuer], "signature": Base64URL.encode(signature)]]
        let body = try JSONSerialization.data(withJSONObject: jws, options: [.sortedKeys, .withoutEscapingSlashes])
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "otp", action: "otp sign", result: "succeed",
                                                    data: ActivityData.fields(["method": proof.isAssertion ? "passkey" : "otp_code"]), now: now))
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// The answer to a refused assertion: `management.otp_sign.webauthn_<reason>`.
    static func refusalKey(_ refusal: StepUpRefusal) -> String { "management.otp_sign.webauthn_\(refusal.rawValue)" }

    /// The `sub` values of the tokens this server issues and verifies with the
    /// same key (session bearer, confirmation, reset).
    static let reservedSubjects: Set<String> = ["session", "confirmation", "reset"]

    /// Why a payload may not be signed with the server key, or nil. A payload
    /// that claims one of our token kinds or our audience would come back as a
    /// session bearer or a mailed token for any user (deliberate difference:
    /// Barong signs whatever it is given). Every verifier also requires the
    /// `typ` header that this route's fixed `{"alg":"RS256"}` never has.
    static func reservedClaims(_ payload: String) -> String? {
        guard let bytes = Base64URL.decode(payload),
              let claims = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return nil }
        if let subject = claims["sub"] as? String, reservedSubjects.contains(subject) {
            return "sub '\(subject)' is reserved for tokens of this server"
        }
        let audiences = (claims["aud"] as? [Any])?.compactMap { $0 as? String } ?? [claims["aud"] as? String].compactMap { $0 }
        if audiences.contains(BarongNames.ownAudience) { return "aud 'barong' is reserved for tokens of this server" }
        return nil
    }
}
