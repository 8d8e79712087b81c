import Crypto
import Foundation

/// Signing in with a passkey (WebAuthn Level 2 §7.2):
/// a full passwordless login with user verification, which satisfies 2FA.
public struct PasskeyLogin: Sendable {
    let store: any Store
    let clock: any ServerClock
    let cbor: any CBORDecoding
    let settings: PasskeySettings
    let login: LoginService
    /// Keys the stand-in credential ids of an email without passkeys.
    let decoyKey: SymmetricKey

    /// `decoySecret`: any server secret (the JWT key); the decoy key is a hash of it.
    public init(store: any Store, clock: any ServerClock, cbor: any CBORDecoding, settings: PasskeySettings, login: LoginService,
                decoySecret: String) {
        self.store = store; self.clock = clock; self.cbor = cbor; self.settings = settings; self.login = login
        decoyKey = SymmetricKey(data: SHA256.hash(data: Data(("passkey decoys " + decoySecret).utf8)))
    }

    public struct RequestOptions: Sendable {
        public let rpID: String
        public let challenge: String
        public let timeoutMS: Int64
        /// Credential ids (base64url) and their transports.
        public let allow: [(id: String, transports: [String])]
    }

    /// Options for `navigator.credentials.get`. With an email, its passkeys —
    /// or, for an unknown email or one without passkeys, one stand-in id that
    /// is the same on every call: the answer does not say which it is.
    public func options(email rawEmail: String?) async throws -> RequestOptions {
        let challenge = SecureRandom.bytes(32)
        let expires = clock.now() + PasskeyRegistration.challengeLifetime
        let email = rawEmail?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? ""
        let passkeys: [Passkey] = try await store.write { tx in
            try await tx.insertChallenge(WebAuthnChallenge(hash: Ceremony.challengeHash(challenge), purpose: .login, sessionHash: nil,
                                                          expiresAt: expires))
            guard !email.isEmpty, let user = try await tx.user(email: email) else { return [] }
            return try await tx.passkeys(userID: user.id)
        }
        var allow = passkeys.map { (id: $0.credentialID, transports: $0.transports) }
        if !email.isEmpty && allow.isEmpty {
            let decoy = HMAC<SHA256>.authenticationCode(for: Data(email.utf8), using: decoyKey)
            allow = [(id: Base64URL.encode(Array(decoy)), transports: ["internal", "hybrid"])]
        }
        return RequestOptions(rpID: settings.rpID, challenge: Base64URL.encode(challenge),
                              timeoutMS: PasskeyRegistration.challengeLifetime * 1000, allow: allow)
    }

    /// Verifies the assertion and opens a session as a password login does.
    public func signIn(_ credential: AssertionCredential, client: ClientInfo) async throws -> (UserFullInfo, OpenedSession) {
        let (passkey, user, authData): (Passkey, User, AuthenticatorData)
        do {
            (passkey, user, authData) = try await verify(credential)
        } catch let failure as PasskeyFailure {
            try await record(nil, client, action: "login::passkey", reason: failure.reason)
            throw APIError(.unauthorized, ErrorKey.Session.invalidPasskey)
        }
        let counted = Int64(authData.signCount)
        if !AssertionCheck.counterGrew(authData, over: passkey) {
            try await record(user, client, action: "login::passkey",
                             reason: "signature counter \(counted) not above \(passkey.signCount): cloned authenticator")
            throw APIError(.unauthorized, ErrorKey.Session.passkeyCloned)
        }
        try await login.checkState(user, client: client)
        let now = clock.now()
        let recorded = try await store.write { tx in
            try await tx.recordPasskeyUse(id: passkey.id, signCount: counted, backedUp: authData.backedUp, at: now)
        }
        guard recorded else {
            try await record(user, client, action: "login::passkey", reason: "signature counter \(counted) already used: cloned authenticator")
            throw APIError(.unauthorized, ErrorKey.Session.passkeyCloned)
        }
        return try await login.signIn(user, client: client, action: "login::passkey", method: .passkey)
    }

    private func verify(_ credential: AssertionCredential) async throws -> (Passkey, User, AuthenticatorData) {
        let check = AssertionCheck(settings: settings, cbor: cbor)
        let parsed = try check.parse(credential)
        let now = clock.now()
        let hash = Ceremony.challengeHash(parsed.client.challenge)
        // Spent whatever follows (its own transaction): a replay finds nothing.
        guard try await store.write({ tx in try await tx.takeChallenge(hash: hash, purpose: .login, now: now) }) != nil else {
            throw PasskeyFailure("challenge unknown, used or expired")
        }
        guard let (passkey, user) = try await store.read({ tx -> (Passkey, User)? in
            guard let passkey = try await tx.passkey(credentialID: parsed.credentialID), let user = try await tx.user(id: passkey.userID) else {
                return nil
            }
            if let handle = credential.response.userHandle, !handle.isEmpty,
               try await tx.passkeyHandle(userID: user.id) != handle { return nil }
            return (passkey, user)
        }) else { throw PasskeyFailure("unknown credential (or a user handle of another user)") }
        return (passkey, user, try check.authenticate(parsed, by: passkey))
    }

    private func record(_ user: User?, _ client: ClientInfo, action: String, reason: String) async throws {
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(userID: user?.id, client: client, topic: "session", action: action,
                                                    result: "failed", data: ActivityData.reason(reason), now: now))
        }
    }
}
