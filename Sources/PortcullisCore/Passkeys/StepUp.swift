import Crypto
import Foundation

/// What a step-up assertion approves: one name per route that asks a second
/// factor. An assertion for one action approves no other.
public enum StepUpAction: String, Sendable, CaseIterable {
    case passwordChange = "password.change"
    case apiKeyCreate = "api_key.create"
    case apiKeyUpdate = "api_key.update"
    case apiKeyDelete = "api_key.delete"
    case serviceAccountKeyCreate = "service_account.api_key.create"
    case serviceAccountKeyUpdate = "service_account.api_key.update"
    case serviceAccountKeyDelete = "service_account.api_key.delete"
    case otpDisable = "otp.disable"
    case passkeyCreate = "passkey.create"
    case recoveryCodesCreate = "recovery_codes.create"
    /// `DELETE resource/users/me`, which asks the code too (beyond the names takeover.md lists).
    case accountDelete = "account.delete"
    /// `PUT` and `DELETE resource/users/anti_phishing` (beyond the names takeover.md lists).
    case antiPhishingSet = "anti_phishing.set"
    case antiPhishingClear = "anti_phishing.clear"
    /// Management `otp/sign`: the challenge ends with SHA-256 of the payload it approves.
    case otpSign = "otp_sign"
}

/// Why a step-up assertion was refused. Resource routes answer one key
/// for all of them; management `otp/sign` names each; the activity row keeps the detail.
public enum StepUpRefusal: String, Error, Sendable {
    /// Not an assertion, unknown credential, wrong origin or RP, bad signature.
    case invalid
    /// The challenge is unknown, used or expired.
    case challenge
    /// The challenge or the passkey is another user's.
    case otherUser = "other_user"
    /// The challenge was issued for another action.
    case otherAction = "other_action"
    /// The challenge was asked for by another session.
    case otherSession = "other_session"
    /// The payload to sign is not the one the challenge approved.
    case payloadMismatch = "payload_mismatch"
    /// The authenticator did not verify the user (no UV flag).
    case notVerified = "not_verified"
    /// The signature counter did not grow: a copied authenticator.
    case cloned
}

/// Who may use a challenge: the session that asked for it, or — for the
/// management API, which a back-end calls — any, the user still bound.
public enum StepUpCaller: Sendable {
    case session(SessionRecord?)
    case backEnd
}

/// Passkey step-up (takeover.md §S): a challenge bound to a user, a session
/// and an action — for `otp_sign` also to one payload — then an assertion by
/// one of the user's passkeys, with UV, spent once.
public struct StepUp: Sendable {
    let store: any Store
    let clock: any ServerClock
    let cbor: any CBORDecoding
    let settings: PasskeySettings
    let throttle: LoginThrottle
    static let lifetime: Int64 = 300
    /// A payload to sign is a JWS payload; 16 KiB is far beyond any withdrawal.
    static let longestPayload = 16_384
    /// Step-up challenges a user may have pending at once.
    static let mostPending = 10
    /// Random bytes before the payload's hash in an `otp_sign` challenge.
    static let payloadNonceLength = 16

    public init(store: any Store, clock: any ServerClock, cbor: any CBORDecoding, settings: PasskeySettings, throttle: LoginThrottle) {
        self.store = store; self.clock = clock; self.cbor = cbor; self.settings = settings; self.throttle = throttle
    }

    /// `POST resource/passkeys/step_up/options`: a challenge for `action`
    /// (and, for `otp_sign`, the exact payload) for the user's passkeys.
    public func options(for user: User, session: SessionRecord?, action name: String?, payload: String?) async throws -> PasskeyLogin.RequestOptions {
        guard let action = name.flatMap(StepUpAction.init(rawValue:)) else {
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidAction)
        }
        var challenge = SecureRandom.bytes(32)
        if action == .otpSign {
            guard let payload, !payload.isEmpty else { throw APIError(.unprocessable, ErrorKey.Passkey.missingPayload) }
            guard payload.utf8.count <= Self.longestPayload else { throw APIError(.unprocessable, ErrorKey.Passkey.invalidPayload) }
            challenge = SecureRandom.bytes(Self.payloadNonceLength) + Self.payloadHash(payload)
        }
        let record = WebAuthnChallenge(hash: Ceremony.challengeHash(challenge), purpose: .stepUp, sessionHash: session?.idHash,
                                       userID: user.id, action: action.rawValue, expiresAt: clock.now() + Self.lifetime)
        let passkeys: [Passkey] = try await store.write { tx in
            let passkeys = try await tx.passkeys(userID: user.id)
            if !passkeys.isEmpty {
                // A few pending at once (tabs, retries); asking for more drops the oldest.
                try await tx.trimStepUpChallenges(userID: user.id, keep: Self.mostPending - 1)
                try await tx.insertChallenge(record)
            }
            return passkeys
        }
        guard !passkeys.isEmpty else { throw APIError(.notFound, ErrorKey.Passkey.doesntExist) }
        return PasskeyLogin.RequestOptions(rpID: settings.rpID, challenge: Base64URL.encode(challenge), timeoutMS: Self.lifetime * 1000,
                                           allow: passkeys.map { (id: $0.credentialID, transports: $0.transports) })
    }

    /// Whether `assertion` approves `action` for `user`: counted in the login
    /// throttle as a code is (a back-end's call on the account alone, as for
    /// its codes), every refusal recorded as an activity with its reason.
    /// `payload`: what `otp_sign` is asked to sign. Throws the refusal.
    public func verify(_ assertion: StepUpAssertion, of user: User, action: StepUpAction, caller: StepUpCaller,
                       payload: String? = nil, client: ClientInfo) async throws {
        var counted: ClientInfo? = client
        if case .backEnd = caller { counted = nil }
        do {
            // A refusal is thrown out of the check: it stays counted, as a wrong code does.
            _ = try await throttle.checked(try await throttle.attempt(for: user, client: counted)) {
                try await check(assertion, of: user, action: action, caller: caller, payload: payload)
                return true
            }
        } catch let failure as StepUpFailure {
            let now = clock.now()
            try await store.write { tx in
                try await tx.insertActivity(NewActivity(
                    userID: user.id, client: client, topic: "passkey", action: "step_up " + action.rawValue, result: "failed",
                    data: ActivityData.reason("\(failure.refusal.rawValue): \(failure.detail.reason)"), now: now
                ))
            }
            throw failure.refusal
        }
    }

    private func check(_ assertion: StepUpAssertion, of user: User, action: StepUpAction, caller: StepUpCaller,
                       payload: String?) async throws {
        guard case .credential(let credential) = assertion else { throw StepUpFailure(.invalid, "webauthn is not an assertion") }
        let check = AssertionCheck(settings: settings, cbor: cbor)
        let parsed: AssertionCheck.Parsed
        do {
            parsed = try check.parse(credential, challengeLengths: [32, Self.payloadNonceLength + SHA256.byteCount])
        } catch let failure as PasskeyFailure { throw StepUpFailure(.invalid, failure.reason) }
        let now = clock.now()
        // Spent whatever follows (its own transaction): a replay finds nothing.
        guard let challenge = try await store.write({ tx in
            try await tx.takeChallenge(hash: Ceremony.challengeHash(parsed.client.challenge), purpose: .stepUp, now: now)
        }) else { throw StepUpFailure(.challenge, "challenge unknown, used or expired") }
        guard let passkey = try await store.read({ tx -> Passkey? in
            guard let passkey = try await tx.passkey(credentialID: parsed.credentialID) else { return nil }
            // A user handle, when the authenticator sends one, names the passkey's owner (§7.2 step 6).
            if let handle = credential.response.userHandle, !handle.isEmpty, try await tx.passkeyHandle(userID: passkey.userID) != handle {
                return nil
            }
            return passkey
        }) else { throw StepUpFailure(.invalid, "unknown credential (or a user handle of another user)") }
        let authData: AuthenticatorData
        do { authData = try check.authenticate(parsed, by: passkey, verified: false) } catch let failure as PasskeyFailure {
            throw StepUpFailure(.invalid, failure.reason)
        }
        guard authData.userVerified else { throw StepUpFailure(.notVerified, "user not verified") }
        guard challenge.userID == user.id, passkey.userID == user.id else {
            throw StepUpFailure(.otherUser, "challenge of user \(challenge.userID ?? 0), passkey of user \(passkey.userID)")
        }
        guard challenge.action == action.rawValue else {
            throw StepUpFailure(.otherAction, "challenge for \(challenge.action ?? "nothing")")
        }
        if case .session(let session) = caller, challenge.sessionHash != session?.idHash {
            throw StepUpFailure(.otherSession, "challenge of another session")
        }
        if action == .otpSign {
            let approved = parsed.client.challenge.suffix(SHA256.byteCount)
            guard parsed.client.challenge.count == Self.payloadNonceLength + SHA256.byteCount, let payload,
                  Array(approved) == Self.payloadHash(payload) else {
                throw StepUpFailure(.payloadMismatch, "payload differs from the approved one")
            }
        }
        guard AssertionCheck.counterGrew(authData, over: passkey),
              try await store.write({ tx in
                  try await tx.recordPasskeyUse(id: passkey.id, signCount: Int64(authData.signCount), backedUp: authData.backedUp, at: now)
              }) else {
            throw StepUpFailure(.cloned, "signature counter \(authData.signCount) not above \(passkey.signCount): cloned authenticator")
        }
    }

    /// SHA-256 of the payload's text as sent (the base64url JWS payload).
    static func payloadHash(_ payload: String) -> [UInt8] { Array(SHA256.hash(data: Data(payload.utf8))) }
}

/// A step-up assertion as a request brings it: the credential, or something that is not one.
public enum StepUpAssertion: Sendable {
    case credential(AssertionCredential)
    case unreadable
}

private struct StepUpFailure: Error {
    let refusal: StepUpRefusal
    let detail: PasskeyFailure
    init(_ refusal: StepUpRefusal, _ reason: String) { self.refusal = refusal; detail = PasskeyFailure(reason) }
}
