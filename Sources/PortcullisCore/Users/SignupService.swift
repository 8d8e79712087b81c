/// What a client sends to `POST identity/users`, already past param checks.
public struct SignupInput: Sendable {
    public var email: String
    public var password: String
    public var username: String?
    public var refid: String?
    public var data: String?

    public init(email: String, password: String, username: String?, refid: String?, data: String?) {
        self.email = email; self.password = password; self.username = username; self.refid = refid; self.data = data
    }
}

/// `POST identity/users`.
public struct SignupService: Sendable {
    let store: any Store
    let hasher: any PasswordHasher
    let sessions: SessionService
    let validator: UserRecordValidator
    let policy: PasswordPolicy
    let uids: UIDGenerator
    let userWriter: UserWriter
    let clock: any ServerClock
    let firstRegistrationSuperadmin: Bool
    let confirmations: EmailConfirmationService

    public init(
        store: any Store, hasher: any PasswordHasher, sessions: SessionService, policy: PasswordPolicy,
        uids: UIDGenerator, userWriter: UserWriter, clock: any ServerClock, firstRegistrationSuperadmin: Bool,
        confirmations: EmailConfirmationService
    ) {
        self.confirmations = confirmations
        self.store = store; self.hasher = hasher; self.sessions = sessions; self.policy = policy
        self.validator = UserRecordValidator(policy: policy); self.uids = uids; self.userWriter = userWriter
        self.clock = clock; self.firstRegistrationSuperadmin = firstRegistrationSuperadmin
    }

    public func signup(_ input: SignupInput, client: ClientInfo) async throws -> (UserFullInfo, OpenedSession) {
        let referral = try await referrer(input.refid)
        let email = EmailAddress.normalize(input.email)
        let username = input.username.map { $0.lowercased() }
        var errors: [String] = []
        if email == nil { errors.append(ErrorKey.Record.emailInvalid) }
        if let email, try await store.read({ tx in try await tx.user(email: email) }) != nil {
            errors.append(ErrorKey.Record.emailTaken)
        }
        if let key = await policy.refusal(of: input.password) { errors.append(key) }
        if let username {
            if let key = validator.validateUsername(username) {
                errors.append(key)
            } else if try await store.read({ tx in try await tx.user(username: username) }) != nil {
                errors.append(ErrorKey.Record.usernameTaken)
            }
        }
        if let data = input.data, let key = validator.validateData(data) { errors.append(key) }
        guard errors.isEmpty, let email else { throw APIError(.unprocessable, keys: errors) }

        let digest = await hasher.hash(input.password)
        let now = clock.now()
        let newUser = NewUser(
            uid: uids.next(), email: email, username: username, passwordDigest: digest, role: "member",
            state: .pending, referralID: referral?.id, data: input.data, now: now
        )
        let (sessions, userWriter, superadmin, confirmations) = (self.sessions, self.userWriter, firstRegistrationSuperadmin, self.confirmations)
        do {
            return try await store.write { tx in
                var user = try await tx.insertUser(newUser)
                try await userWriter.events?.userCreated(user, in: tx, now: now)
                try await tx.insertActivity(NewActivity(
                    userID: user.id, client: client, topic: "account", action: "signup", result: "succeed", now: now
                ))
                // Two first signups racing on two instances both count 1: the
                // lock makes the later one count again after the first commits.
                if superadmin, try await tx.countUsers() == 1, try await firstUser(in: tx) {
                    let member = user
                    user.role = "superadmin"
                    try await userWriter.save(user, was: member, in: tx, now: now)
                    user = try await userWriter.setPrivateLabel("email", "verified", on: user, in: tx, now: now)
                } else {
                    try await confirmations.emitToken(for: user, in: tx, now: now)
                }
                let opened = try await sessions.open(for: user, client: client, method: .password, in: tx)
                return (try await tx.fullInfo(of: user), opened)
            }
        } catch let duplicate as DuplicateRecord {
            // Two signups raced past the pre-checks; the unique index decided.
            throw APIError(.unprocessable, duplicate.field == "username" ? ErrorKey.Record.usernameTaken : ErrorKey.Record.emailTaken)
        }
    }

    /// The referrer named by `refid`: it must look like a uid and belong to an existing user.
    private func referrer(_ refid: String?) async throws -> User? {
        guard let refid else { return nil }
        guard uids.hasPrefix(refid) else { throw APIError(.unprocessable, ErrorKey.Identity.invalidReferralFormat) }
        guard let user = try await store.read({ tx in try await tx.user(uid: refid) }) else {
            throw APIError(.unprocessable, ErrorKey.Identity.referralDoesntExist)
        }
        return user
    }

    /// Whether the user this transaction inserted is the only one, counted under the user-count lock.
    private func firstUser(in tx: some UserRepository) async throws -> Bool {
        try await tx.serializeUserCount()
        return try await tx.countUsers() == 1
    }
}
