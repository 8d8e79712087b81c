/// `admin/profiles`: every user's profiles, approving or
/// rejecting a submitted one, and creating one on a user's behalf.
public struct AdminProfileService: Sendable {
    let store: any Store
    let profiles: ProfileService
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let doubleVerification: Bool
    let verificationRoles: Set<String>

    public init(store: any Store, profiles: ProfileService, userWriter: UserWriter, events: EventWriter, clock: any ServerClock,
                doubleVerification: Bool, verificationRoles: [String]) {
        self.store = store; self.profiles = profiles; self.userWriter = userWriter; self.events = events; self.clock = clock
        self.doubleVerification = doubleVerification; self.verificationRoles = Set(verificationRoles)
    }

    public static let states = ["drafted", "submitted", "verified", "rejected"]

    public func list(page: PageRequest) async throws -> (rows: [Profile], total: Int) {
        try await store.read { tx in try await tx.allProfiles(page: page) }
    }

    /// Moves the user's submitted profile to `state`; the KYC profile step
    /// follows (private label `profile` = state, level and state recomputed).
    public func setState(uid: String, state: String, by admin: User) async throws -> Profile {
        let now = clock.now()
        let (userWriter, events) = (self.userWriter, self.events)
        let (doubleVerification, exempt) = (self.doubleVerification, verificationRoles)
        return try await store.write { tx in
            guard let user = try await tx.user(uid: uid),
                  var profile = try await tx.profiles(userID: user.id).last(where: { $0.state == "submitted" }) else {
                throw APIError(.notFound, ErrorKey.Admin.profileNotEditable)
            }
            try AdminUserService.guardSuperadmin(user, by: admin, key: ErrorKey.Admin.profileSuperadminChange)
            if doubleVerification && profile.author == admin.uid && !exempt.contains(admin.role) {
                throw APIError(.unprocessable, ErrorKey.Admin.secondAdminApproval)
            }
            guard Self.states.contains(state) else { throw APIError(.unprocessable, ErrorKey.Admin.stateInclusion) }
            let before = profile
            profile.state = state
            profile.updatedAt = now
            try await tx.updateProfile(profile)
            try await events.profileUpdated(from: before, to: profile, of: user, in: tx, now: now)
            _ = try await userWriter.setPrivateLabel("profile", state, on: user, in: tx, now: now)
            return profile
        }
    }

    /// A submitted profile written by `admin` (`author`); unknown uid → 404.
    public func create(uid: String, _ input: ProfileInput, by admin: User) async throws -> Profile {
        guard let user = try await store.read({ tx in try await tx.user(uid: uid) }) else {
            throw APIError(.notFound, ErrorKey.Admin.userDoesntExist)
        }
        var submitted = input
        submitted.confirm = true
        return try await profiles.create(submitted, for: user, author: admin.uid)
    }
}
