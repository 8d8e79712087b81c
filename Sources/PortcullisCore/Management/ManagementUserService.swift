/// Management `users…` and `profiles`: server-to-server
/// reads and writes of users, with Barong's management error bodies.
public struct ManagementUserService: Sendable {
    let store: any Store
    let hasher: any PasswordHasher
    let policy: PasswordPolicy
    let uids: UIDGenerator
    let userWriter: UserWriter
    let profiles: ProfileService
    let documents: DocumentService
    let clock: any ServerClock
    let salt: String

    public init(store: any Store, hasher: any PasswordHasher, policy: PasswordPolicy, uids: UIDGenerator, userWriter: UserWriter,
                profiles: ProfileService, documents: DocumentService, clock: any ServerClock, salt: String) {
        self.store = store; self.hasher = hasher; self.policy = policy; self.uids = uids; self.userWriter = userWriter
        self.profiles = profiles; self.documents = documents; self.clock = clock; self.salt = salt
    }

    /// How `users/get` names the user.
    public enum Lookup: Sendable {
        case uid(String), email(String), phone(String)
    }

    public func find(_ lookup: Lookup) async throws -> UserKYC {
        let salt = self.salt
        return try await store.read { tx in
            let user: User?
            switch lookup {
            case .uid(let uid): user = try await tx.user(uid: uid)
            case .email(let email): user = try await tx.user(email: email.lowercased())
            case .phone(let raw):
                let digits = PhoneNumber.parse(raw)?.digits ?? PhoneNumber.sanitize(raw)
                let holder = try await tx.phones(numberIndex: SaltedCRC32.index(digits, salt: salt)).first { $0.number == digits }
                user = try await holder.asyncMap { try await tx.user(id: $0.userID) } ?? nil
            }
            guard let user else { throw ManagementError.recordNotFound }
            return try await UserKYC.read(user, in: tx)
        }
    }

    /// `POST users`: a pending member, validated as a signup, with no mail and no session.
    public func create(email rawEmail: String, password: String, referralUID: String?) async throws -> ListedUser {
        var errors: [String] = []
        let email = EmailAddress.normalize(rawEmail)
        if email == nil { errors.append(ManagementError.fullMessage(ErrorKey.Record.emailInvalid)) }
        if let email, try await store.read({ tx in try await tx.user(email: email) }) != nil {
            errors.append(ManagementError.fullMessage(ErrorKey.Record.emailTaken))
        }
        if let key = await policy.refusal(of: password) { errors.append(ManagementError.fullMessage(key)) }
        guard errors.isEmpty, let email else { throw ManagementError.messages(.unprocessable, errors) }
        let referral = try await referrer(referralUID)
        let digest = await hasher.hash(password)
        let draft = NewUser(uid: uids.next(), email: email, username: nil, passwordDigest: digest, role: "member",
                            state: .pending, referralID: referral?.id, data: nil, now: clock.now())
        return try await insert(draft, referralUID: referral?.uid)
    }

    /// `POST users/update`: role (must exist in the permission table) and/or data.
    public func update(uid: String, role: String?, data: String?) async throws -> ListedUser {
        let now = clock.now()
        return try await store.write { tx in
            guard var user = try await tx.user(uid: uid) else { throw ManagementError.sentence(.unprocessable, ErrorKey.Record.userDoesntExist) }
            let old = user
            var errors: [String] = []
            if let role, !(try await tx.roleExists(role)) { errors.append("Role doesnt_exist") }
            if let data, let key = UserRecordValidator(policy: policy).validateData(data) { errors.append(ManagementError.fullMessage(key)) }
            guard errors.isEmpty else { throw ManagementError.messages(.unprocessable, errors) }
            if let role { user.role = role }
            if let data { user.data = data }
            user.updatedAt = now
            try await userWriter.save(user, was: old, in: tx, now: now)
            return try await [user].listed(in: tx, profiles: true, kyc: false)[0]
        }
    }

    /// `users/import`'s fields beyond email and digest.
    public struct ImportFields: Sendable {
        public var referralUID, phone: String?
        public var profile: ProfileInput
        public var profileState: String?
        public init(referralUID: String?, phone: String?, profile: ProfileInput, profileState: String?) {
            self.referralUID = referralUID; self.phone = phone; self.profile = profile; self.profileState = profileState
        }
    }

    /// `POST users/import`: the bcrypt digest is kept as is; user, phone
    /// (verified) and profile are written in one transaction (deliberate
    /// difference: Barong keeps the user when a later step fails).
    public func importUser(email rawEmail: String, passwordDigest: String, _ fields: ImportFields) async throws -> ListedUser {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if try await store.read({ tx in try await tx.user(email: email) }) != nil {
            throw ManagementError.sentence(.unprocessable, "User already exists by this email")
        }
        let referral = try await referrer(fields.referralUID)
        let phone = fields.phone.map(PhoneNumber.parse)
        if case .some(nil) = phone { throw ManagementError.messages(.unprocessable, ["Number is invalid"]) }
        let now = clock.now()
        var profile = Profile(firstName: nil, lastName: nil, dob: nil, address: nil, postcode: nil, city: nil, country: nil,
                              state: fields.profileState ?? "drafted", metadata: nil, createdAt: now, updatedAt: now)
        ProfileService.apply(fields.profile, to: &profile)
        var errors = ProfileRules.errors(profile, now: now).map(Self.profileMessage)
        if !AdminProfileService.states.contains(profile.state) { errors.append("State is not included in the list") }
        guard errors.isEmpty else { throw ManagementError.messages(.unprocessable, errors) }
        let draft = NewUser(uid: uids.next(), email: email, username: nil, passwordDigest: passwordDigest, role: "member",
                            state: .pending, referralID: referral?.id, data: nil, now: now)
        let (salt, staged) = (self.salt, profile)
        return try await insert(draft, referralUID: referral?.uid) { user, tx in
            if let phone = phone ?? nil {
                let record = try await tx.insertPhone(
                    PhoneRecord(id: 0, userID: user.id, country: phone.region, number: phone.digits, code: "", validatedAt: nil),
                    numberIndex: SaltedCRC32.index(phone.digits, salt: salt), now: now
                )
                try await tx.markPhoneValidated(id: record.id, now: now)
            }
            let saved = try await tx.insertProfile(userID: user.id, staged)
            try await userWriter.events?.profileCreated(saved, of: user, in: tx, now: now)
        }
    }

    /// `POST profiles` (management): a profile for the user, as the resource route makes one.
    public func createProfile(uid: String, _ input: ProfileInput) async throws -> ListedUser {
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }) else {
            throw ManagementError.sentence(.unprocessable, ErrorKey.Record.userDoesntExist)
        }
        do {
            _ = try await profiles.create(input, for: user)
        } catch let error as APIError {
            throw ManagementError.messages(.unprocessable, error.keys.map(Self.profileMessage))
        }
        return try await store.read { tx in try await [user].listed(in: tx, profiles: true, kyc: false)[0] }
    }

    /// `POST documents`: an unknown user is 422 `{"errors":["user doesnt exist"]}`
    /// (deliberate difference: Barong 500); rule failures one 422 sentence.
    public func addDocument(uid: String, _ input: DocumentInput, updateLabels: Bool) async throws {
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }) else {
            throw ManagementError.keys(.unprocessable, ["user doesnt exist"])
        }
        do {
            try await documents.createForManagement(input, for: user, updateLabels: updateLabels)
        } catch let error as APIError where error.status == .unprocessable || error.status == .badRequest {
            throw ManagementError.sentence(.unprocessable, error.keys.map(ManagementError.fullMessage).joined(separator: ", "))
        }
    }

    private func referrer(_ uid: String?) async throws -> User? {
        guard let uid else { return nil }
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }) else {
            throw ManagementError.messages(.unprocessable, ["Referral doesnt_exist"])
        }
        return user
    }

    /// Inserts the user (and whatever `then` adds) in one transaction; a lost race on the email is `Email has already been taken`.
    private func insert(_ draft: NewUser, referralUID: String?,
                        then: @escaping @Sendable (User, any UserRepository & KYCRepository & OutboxRepository) async throws -> Void = { _, _ in }) async throws -> ListedUser {
        do {
            return try await store.write { tx in
                let user = try await tx.insertUser(draft)
                try await userWriter.events?.userCreated(user, in: tx, now: draft.now)
                try await then(user, tx)
                return ListedUser(user: user, referralUID: referralUID, profiles: try await tx.profiles(userID: user.id), kyc: nil)
            }
        } catch is DuplicateRecord {
            throw ManagementError.messages(.unprocessable, [ManagementError.fullMessage(ErrorKey.Record.emailTaken)])
        }
    }

    static func profileMessage(_ key: String) -> String {
        switch key {
        case ErrorKey.Record.countryInvalid: "Country must have alpha2 or alpha3 format"
        case ErrorKey.Profile.stateExists: "State already exists"
        default: ManagementError.fullMessage(key)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
