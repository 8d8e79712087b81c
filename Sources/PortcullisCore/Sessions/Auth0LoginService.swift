/// `POST identity/sessions/auth0`: a verified Auth0 identity
/// signs in its user, or creates it when Auth0 vouches for the address. The
/// state checks of password login apply, and so does its second factor: a
/// user with 2FA on sends `otp_code` too (deliberate differences:
/// an id token for the address alone must not skip the code).
public struct Auth0LoginService: Sendable {
    let store: any Store
    let verifier: (any IDTokenVerifier)?
    let hasher: any PasswordHasher
    let login: LoginService
    let otp: OTPService
    let uids: UIDGenerator
    let userWriter: UserWriter
    let clock: any ServerClock

    public init(store: any Store, verifier: (any IDTokenVerifier)?, hasher: any PasswordHasher, login: LoginService,
                otp: OTPService, uids: UIDGenerator, userWriter: UserWriter, clock: any ServerClock) {
        self.store = store; self.verifier = verifier; self.hasher = hasher; self.login = login; self.otp = otp
        self.uids = uids; self.userWriter = userWriter; self.clock = clock
    }

    static let invalid = "identity.session.auth0.invalid_params"

    public func login(idToken: String, otpCode: String?, client: ClientInfo) async throws -> (UserFullInfo, OpenedSession) {
        guard let verifier else { throw APIError(.unprocessable, Self.invalid) }
        let identity: VerifiedIdentity
        do { identity = try await verifier.verify(idToken) } catch { throw APIError(.unprocessable, Self.invalid) }
        guard let raw = identity.email, let email = EmailAddress.normalize(raw) else {
            throw APIError(.unauthorized, Self.invalid)
        }
        let user: User
        if let existing = try await store.read({ tx in try await tx.user(email: email) }) {
            user = existing
        } else {
            guard identity.emailVerified else { throw APIError(.unauthorized, Self.invalid) }
            user = try await create(email: email)
        }
        try await login.checkState(user, client: client)
        if user.otp {
            guard let otpCode, !otpCode.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError(.unauthorized, ErrorKey.Session.missingOTP)
            }
            // Through the login throttle, as every code check.
            guard try await otp.verify(otpCode, of: user, client: client) else { throw APIError(.forbidden, ErrorKey.Session.invalidOTP) }
        }
        return try await login.signIn(user, client: client, action: user.otp ? "login::2fa" : "login", method: .auth0)
    }

    /// An active user with a random password and `email: verified`; no
    /// signup activity (Barong records none).
    private func create(email: String) async throws -> User {
        let digest = await hasher.hash(SecureRandom.hex(bytes: 32))
        let now = clock.now()
        let (uid, userWriter) = (uids.next(), self.userWriter)
        do {
            return try await store.write { tx in
                let user = try await tx.insertUser(NewUser(
                    uid: uid, email: email, username: nil, passwordDigest: digest, role: "member", state: .pending,
                    referralID: nil, data: nil, now: now
                ))
                try await userWriter.events?.userCreated(user, in: tx, now: now)
                return try await userWriter.setPrivateLabel("email", "verified", on: user, in: tx, now: now)
            }
        } catch is DuplicateRecord {
            guard let user = try await store.read({ tx in try await tx.user(email: email) }) else { throw APIError(.unprocessable, Self.invalid) }
            return user
        }
    }
}
