import Foundation

/// A signed-in user's passkeys: creation options,
/// registration (WebAuthn Level 2 §7.1), list and delete.
public struct PasskeyRegistration: Sendable {
    let store: any Store
    let clock: any ServerClock
    let cbor: any CBORDecoding
    let settings: PasskeySettings
    let reauth: Reauthentication
    static let challengeLifetime: Int64 = 300
    static let longestName = 64

    public init(store: any Store, clock: any ServerClock, cbor: any CBORDecoding, settings: PasskeySettings, reauth: Reauthentication) {
        self.store = store; self.clock = clock; self.cbor = cbor; self.settings = settings; self.reauth = reauth
    }

    /// What `navigator.credentials.create` needs; the challenge is bound to `session`.
    public struct CreationOptions: Sendable {
        public let rpID: String
        public let rpName: String
        public let userHandle: String
        public let userName: String
        public let challenge: String
        public let timeoutMS: Int64
        public let exclude: [Passkey]
    }

    /// The caller proves it is them again (`otp_code` when 2FA is on, else
    /// `password`; a step-up assertion by a passkey they have stands for either).
    public func options(for user: User, session: SessionRecord?, password: String?, proof: SecondFactor,
                        client: ClientInfo) async throws -> CreationOptions {
        if case .passkey(let assertion) = proof {
            guard try await reauth.otp.approves(assertion, of: user, action: .passkeyCreate, session: session, client: client) else {
                throw APIError(.unprocessable, ErrorKey.Passkey.invalidWebAuthn)
            }
        } else {
            try await reauthenticate(user, password: password, otpCode: proof.code, client: client)
        }
        let challenge = SecureRandom.bytes(32)
        let expires = clock.now() + Self.challengeLifetime
        let (handle, passkeys) = try await store.write { tx in
            let handle = try await Self.handle(of: user, in: tx)
            try await tx.insertChallenge(WebAuthnChallenge(hash: Ceremony.challengeHash(challenge), purpose: .register,
                                                           sessionHash: session?.idHash, expiresAt: expires))
            return (handle, try await tx.passkeys(userID: user.id))
        }
        return CreationOptions(rpID: settings.rpID, rpName: settings.rpName, userHandle: handle, userName: user.email,
                               challenge: Base64URL.encode(challenge), timeoutMS: Self.challengeLifetime * 1000, exclude: passkeys)
    }

    /// Verifies a new credential and stores it: 201 Passkey.
    public func register(for user: User, session: SessionRecord?, name rawName: String?, credential: RegistrationCredential,
                         client: ClientInfo) async throws -> Passkey {
        let name = (rawName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw APIError(.unprocessable, ErrorKey.Passkey.missingName) }
        guard name.count <= Self.longestName else { throw APIError(.unprocessable, ErrorKey.Passkey.nameTooLong) }
        // A control character (NUL cut the stored name short) is no part of a name.
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidName)
        }
        let verified: (Passkey, challenge: String)
        do {
            verified = try verify(credential, user: user, name: name)
        } catch let failure as PasskeyFailure {
            try await record(user, client, result: "failed", reason: failure.reason)
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidCredential)
        }
        let now = clock.now()
        // Single use, live, and asked for by this very session; taken in a
        // transaction of its own so that it is spent even if the rest fails.
        let taken = try await store.write { tx in
            try await tx.takeChallenge(hash: verified.challenge, purpose: .register, now: now)
        }
        guard let taken, (taken.sessionHash ?? "") == (session?.idHash ?? "") else {
            try await record(user, client, result: "failed", reason: "challenge unknown, used, expired or of another session")
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidCredential)
        }
        do {
            let events = reauth.otp.userWriter.events
            let passkey = try await store.write { tx in
                guard try await tx.passkey(credentialID: verified.0.credentialID) == nil else { throw DuplicateRecord(field: "credential_id") }
                let passkey = try await tx.insertPasskey(verified.0)
                try await events?.emit(EventName.passkeyCreated, user: user, extra: ["user_ip": client.ip], in: tx, now: now)
                return passkey
            }
            try await record(user, client, result: "succeed", reason: nil)
            return passkey
        } catch is DuplicateRecord {
            throw APIError(.unprocessable, ErrorKey.Passkey.exists)
        }
    }

    public func list(for user: User) async throws -> [Passkey] {
        try await store.read { tx in try await tx.passkeys(userID: user.id) }
    }

    public func delete(_ id: Int64?, of user: User, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in
            guard let id, try await tx.deletePasskey(userID: user.id, id: id) else {
                throw APIError(.notFound, ErrorKey.Passkey.doesntExist)
            }
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "passkey", action: "delete",
                                                    result: "succeed", now: now))
        }
    }

    /// §7.1 steps 5–21 without the store: the passkey to keep and its challenge's hash.
    private func verify(_ credential: RegistrationCredential, user: User, name: String) throws -> (Passkey, challenge: String) {
        guard credential.type == "public-key" else { throw PasskeyFailure("credential type") }
        let ceremony = Ceremony(settings: settings)
        let client = try ceremony.clientData(credential.response.clientDataJSON, type: "webauthn.create")
        guard let objectBytes = Base64URL.decode(credential.response.attestationObject), objectBytes.count <= 16_384 else {
            throw PasskeyFailure("attestation object is not base64url")
        }
        let object = try decodeCBOR(objectBytes)
        guard let fmt = object["fmt"]?.textString, let authBytes = object["authData"]?.byteString,
              let statement = object["attStmt"], case .map = statement else { throw PasskeyFailure("attestation object fields") }
        let authData: AuthenticatorData
        do { authData = try AuthenticatorData(authBytes, cbor: cbor) } catch let error as CBORError {
            throw PasskeyFailure("credential key: \(error.reason)")
        }
        try ceremony.check(authData)
        guard let credentialID = authData.credentialID, let coseKey = authData.publicKey, let keyBytes = authData.publicKeyBytes else {
            throw PasskeyFailure("no attested credential")
        }
        guard Base64URL.decode(credential.rawId) == credentialID else { throw PasskeyFailure("rawId differs from the credential id") }
        let key = try COSEKey(coseKey)
        try checkAttestation(fmt: fmt, statement: statement, key: key, signed: Ceremony.signedBytes(authData: authBytes, clientData: client.bytes))
        let transports = (credential.response.transports ?? []).prefix(8).map { String($0.prefix(32)) }
        let passkey = Passkey(userID: user.id, credentialID: Base64URL.encode(credentialID), publicKey: Base64URL.encode(keyBytes),
                              algorithm: key.algorithm, signCount: Int64(authData.signCount), transports: transports,
                              backedUp: authData.backedUp, name: name, createdAt: clock.now())
        return (passkey, Ceremony.challengeHash(client.challenge))
    }

    /// `none`, or `packed` self-attestation (no certificate chain) signed by the credential key itself.
    private func checkAttestation(fmt: String, statement: CBORValue, key: COSEKey, signed: [UInt8]) throws {
        switch fmt {
        case "none":
            guard case .map(let pairs) = statement, pairs.isEmpty else { throw PasskeyFailure("none with a statement") }
        case "packed":
            guard statement["x5c"] == nil else { throw PasskeyFailure("packed with a certificate chain is not accepted") }
            guard statement["alg"]?.integer == key.algorithm, let signature = statement["sig"]?.byteString,
                  key.isValid(signature: signature, for: signed) else { throw PasskeyFailure("packed self-attestation signature") }
        default:
            throw PasskeyFailure("attestation format \(fmt.prefix(32))")
        }
    }

    private func decodeCBOR(_ bytes: [UInt8]) throws -> CBORValue {
        do { return try cbor.decode(bytes) } catch let error as CBORError { throw PasskeyFailure("CBOR: \(error.reason)") }
    }

    /// With 2FA on only the code opens registration: a password alone (a
    /// phished one, with a stolen session) would otherwise mint a passkey
    /// that signs in without the second factor. Without 2FA the
    /// password. Both checks count in the login throttle.
    private func reauthenticate(_ user: User, password: String?, otpCode: String?, client: ClientInfo) async throws {
        if user.otp {
            guard let otpCode, !otpCode.isEmpty else {
                throw APIError(.unprocessable, password?.isEmpty == false ? ErrorKey.Passkey.missingOTP : ErrorKey.Passkey.missingPasswordOrOTP)
            }
            guard try await reauth.otp.verify(otpCode, of: user, client: client) else { throw APIError(.unprocessable, ErrorKey.Passkey.invalidOTP) }
            return
        }
        guard let password, !password.isEmpty else { throw APIError(.unprocessable, ErrorKey.Passkey.missingPasswordOrOTP) }
        guard try await reauth.password(password, of: user, client: client) else {
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidPassword)
        }
    }

    /// The user's random WebAuthn handle, made on first use.
    static func handle(of user: User, in tx: some PasskeyRepository) async throws -> String {
        if let handle = try await tx.passkeyHandle(userID: user.id) { return handle }
        let handle = Base64URL.encode(SecureRandom.bytes(32))
        try await tx.insertPasskeyHandle(userID: user.id, handle: handle)
        return handle
    }

    private func record(_ user: User, _ client: ClientInfo, result: String, reason: String?) async throws {
        let now = clock.now()
        try await store.write { tx in
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "passkey", action: "create",
                                                    result: result, data: reason.map(ActivityData.reason), now: now))
        }
    }
}
