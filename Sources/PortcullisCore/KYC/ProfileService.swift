/// `resource/profiles…` and the KYC profile step
/// (private label `profile` = the profile's state).
public struct ProfileService: Sendable {
    let store: any Store
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let kycaid: KYCAIDSubmissions

    public init(store: any Store, userWriter: UserWriter, events: EventWriter, clock: any ServerClock, kycaid: KYCAIDSubmissions) {
        self.store = store; self.userWriter = userWriter; self.events = events; self.clock = clock; self.kycaid = kycaid
    }

    public func list(for user: User) async throws -> [Profile] {
        try await store.read { tx in try await tx.profiles(userID: user.id) }
    }

    /// A `dob` the parameter layer cannot read as a date (deliberate difference: a real key).
    public static func checkDateParam(_ dob: String?, key: String = ErrorKey.Profile.invalidDob) throws {
        if let dob, !dob.isEmpty, ProfileRules.date(dob) == nil {
            throw APIError(.unprocessable, key)
        }
    }

    /// `author`: the admin creating it for the user (`POST admin/profiles`).
    public func create(_ input: ProfileInput, for user: User, author: String? = nil) async throws -> Profile {
        let now = clock.now()
        var profile = Profile(firstName: nil, lastName: nil, dob: nil, address: nil, postcode: nil, city: nil, country: nil,
                              state: input.confirm ? "submitted" : "drafted", metadata: nil, createdAt: now, updatedAt: now)
        profile.author = author
        Self.apply(input, to: &profile)
        let errors = ProfileRules.errors(profile, now: now)
        guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
        let draft = profile
        let (userWriter, events, kycaid) = (self.userWriter, self.events, self.kycaid)
        return try await store.write { tx in
            try await tx.lockUser(id: user.id)
            let existing = try await tx.profiles(userID: user.id)
            if existing.contains(where: { $0.state == "drafted" || $0.state == "submitted" }) {
                throw APIError(.unprocessable, ErrorKey.Profile.stateExists)
            }
            let saved = try await tx.insertProfile(userID: user.id, draft)
            try await events.profileCreated(saved, of: user, in: tx, now: now)
            _ = try await userWriter.setPrivateLabel("profile", saved.state, on: user, in: tx, now: now)
            try await kycaid.applicant(for: saved, in: tx, now: now)
            return saved
        }
    }

    public func update(_ input: ProfileInput, for user: User) async throws -> Profile {
        let now = clock.now()
        let (userWriter, events, kycaid) = (self.userWriter, self.events, self.kycaid)
        return try await store.write { tx in
            try await tx.lockUser(id: user.id)
            guard var profile = try await tx.profiles(userID: user.id).last(where: { $0.state == "drafted" }) else {
                throw APIError(.notFound, ErrorKey.Profile.notEditable)
            }
            let before = profile
            Self.apply(input, to: &profile)
            if input.confirm { profile.state = "submitted" }
            profile.updatedAt = now
            let errors = ProfileRules.errors(profile, now: now)
            guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
            try await tx.updateProfile(profile)
            try await events.profileUpdated(from: before, to: profile, of: user, in: tx, now: now)
            _ = try await userWriter.setPrivateLabel("profile", profile.state, on: user, in: tx, now: now)
            try await kycaid.applicant(for: profile, in: tx, now: now)
            return profile
        }
    }

    /// Copies the sent fields, squishing names as the rules expect.
    static func apply(_ input: ProfileInput, to profile: inout Profile) {
        if let v = input.firstName { profile.firstName = ProfileRules.squish(v) }
        if let v = input.lastName { profile.lastName = ProfileRules.squish(v) }
        if let v = input.city { profile.city = ProfileRules.squish(v) }
        if let v = input.postcode { profile.postcode = ProfileRules.squish(v) }
        if let v = input.address { profile.address = v }
        if let v = input.country { profile.country = v }
        if let v = input.dob { profile.dob = v }
        if let v = input.metadata { profile.metadata = v }
    }
}
