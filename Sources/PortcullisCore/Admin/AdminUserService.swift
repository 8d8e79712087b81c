/// `admin/users…`: reading users, changing state, 2FA,
/// email and role, comments and data storage. Ability checks happen in the
/// route before any of this runs; the target rules (superadmin, oneself)
/// happen here, in the contract's order.
public struct AdminUserService: Sendable {
    let store: any Store
    let userWriter: UserWriter
    let abilities: AbilityTable
    let clock: any ServerClock

    public init(store: any Store, userWriter: UserWriter, abilities: AbilityTable, clock: any ServerClock) {
        self.store = store; self.userWriter = userWriter; self.abilities = abilities; self.clock = clock
    }

    /// One field `PUT admin/users` (or `users/update`) changes.
    public enum Change: Sendable {
        case state(String), otp(Bool), email(String)
    }

    public func list(_ filter: UserFilter, profiles: Bool = false, kyc: Bool = false) async throws -> (rows: [ListedUser], total: Int) {
        try await store.read { tx in
            let (users, total) = try await tx.users(filter)
            return (try await users.listed(in: tx, profiles: profiles, kyc: kyc), total)
        }
    }

    public func withLabel(_ filter: LabelFilter, page: PageRequest, profiles: Bool = false) async throws -> (rows: [ListedUser], total: Int) {
        try await store.read { tx in
            let (users, total) = try await tx.users(withLabel: filter, page: page)
            return (try await users.listed(in: tx, profiles: profiles, kyc: false), total)
        }
    }

    public func labelCounts() async throws -> [(key: String, value: String, count: Int)] {
        try await store.read { tx in try await tx.privateLabelCounts() }
    }

    public func kyc(uid: String) async throws -> UserKYC {
        try await store.read { tx in try await UserKYC.read(try await Self.target(uid, in: tx), in: tx) }
    }

    /// The user named by `uid`, else 404 `admin.user.doesnt_exist`.
    static func target(_ uid: String, in tx: some UserRepository) async throws -> User {
        guard let user = try await tx.user(uid: uid) else { throw APIError(.notFound, ErrorKey.Admin.userDoesntExist) }
        return user
    }

    /// A superadmin can only be changed by a superadmin (nil: a signed
    /// management call, which acts for the deployment itself).
    static func guardSuperadmin(_ target: User, by admin: User?, key: String = ErrorKey.Admin.superadminChange) throws {
        if let admin, target.role == "superadmin" && admin.role != "superadmin" { throw APIError(.unprocessable, key) }
    }

    public func update(uid: String, _ change: Change, by admin: User) async throws {
        let now = clock.now()
        let (userWriter, abilities) = (self.userWriter, self.abilities)
        try await mapEmailTaken {
            try await store.write { tx in
                let target = try await Self.target(uid, in: tx)
                try Self.guardSuperadmin(target, by: admin)
                if target.id == admin.id { throw APIError(.unprocessable, ErrorKey.Admin.updateHimself) }
                // Deliberate difference: no ban, 2FA reset or email change of a user
                // whose role may do more than the caller's.
                guard abilities.covers(target.role, by: admin.role) else { throw APIError(.unprocessable, ErrorKey.Admin.roleExceedsOwn) }
                var updated = target
                switch change {
                case .email(let raw):
                    if admin.role != "superadmin" { throw APIError(.unprocessable, ErrorKey.Admin.updateEmail) }
                    if raw.lowercased() == target.email { throw APIError(.unprocessable, ErrorKey.Admin.noChange("email")) }
                    guard let email = EmailAddress.normalize(raw) else { throw APIError(.unprocessable, ErrorKey.Record.emailInvalid) }
                    if try await tx.user(email: email) != nil { throw APIError(.unprocessable, ErrorKey.Record.emailTaken) }
                    updated.email = email
                case .otp(let enabled):
                    if enabled { throw APIError(.unprocessable, ErrorKey.Admin.enable2FA) }
                    if !target.otp { throw APIError(.unprocessable, ErrorKey.Admin.noChange("otp")) }
                    updated.otp = false
                case .state(let raw):
                    if raw == target.state.rawValue { throw APIError(.unprocessable, ErrorKey.Admin.noChange("state")) }
                    guard let state = UserState(rawValue: raw) else { throw APIError(.unprocessable, ErrorKey.Admin.stateInclusion) }
                    updated.state = state
                }
                updated.updatedAt = now
                try await userWriter.save(updated, was: target, in: tx, now: now)
                try await userWriter.applyAdminChange(from: target, to: updated, in: tx, now: now)
            }
        }
    }

    public func setRole(uid: String, role: String, by admin: User) async throws {
        let now = clock.now()
        try await store.write { tx in
            var target = try await Self.target(uid, in: tx)
            try Self.guardSuperadmin(target, by: admin)
            if target.id == admin.id { throw APIError(.unprocessable, ErrorKey.Admin.updateHimself) }
            if target.role == role { throw APIError(.unprocessable, ErrorKey.Admin.roleNoChange) }
            guard try await tx.roleExists(role) else { throw APIError(.unprocessable, ErrorKey.Record.roleDoesntExist) }
            // Deliberate difference: only a superadmin makes superadmins.
            if role == "superadmin" && admin.role != "superadmin" { throw APIError(.unprocessable, ErrorKey.Admin.superadminChange) }
            // Deliberate difference: no operator grants, or takes away, a role
            // that may do more than their own (abilities.yml decides).
            let abilities = self.abilities
            guard abilities.covers(target.role, by: admin.role), abilities.covers(role, by: admin.role) else {
                throw APIError(.unprocessable, ErrorKey.Admin.roleExceedsOwn)
            }
            let old = target
            target.role = role
            target.updatedAt = now
            try await userWriter.save(target, was: old, in: tx, now: now)
        }
    }

    public func deleteDataStorage(uid: String, title: String) async throws -> UserKYC {
        try await store.write { tx in
            let target = try await Self.target(uid, in: tx)
            guard try await tx.deleteDataStorage(userID: target.id, title: title) else {
                throw APIError(.notFound, ErrorKey.Admin.storageDoesntExist)
            }
            return try await UserKYC.read(target, in: tx)
        }
    }

    private func mapEmailTaken(_ work: () async throws -> Void) async throws {
        do { try await work() } catch is DuplicateRecord { throw APIError(.unprocessable, ErrorKey.Record.emailTaken) }
    }
}

extension UserWriter {
    /// What follows an admin's change of state or 2FA:
    /// 2FA off drops the private `otp` label; leaving `active` or turning 2FA
    /// off disables the API keys of the user and of its service accounts; a
    /// state other than `active` moves its service accounts along and ends
    /// every session of the user at once.
    func applyAdminChange(from old: User, to new: User, in tx: some UserRepository & LabelRepository & OTPRepository & RecoveryCodeRepository & APIKeyRepository & ManagementRepository & SessionRepository & AdminRepository, now: Int64) async throws {
        if old.otp && !new.otp {
            try await tx.deleteLabel(userID: new.id, key: "otp", scope: "private")
            try await tx.deleteOTPSecret(userID: new.id)
            try await tx.deleteRecoveryCodes(userID: new.id)
        }
        let accounts = try await tx.serviceAccounts(ownerID: new.id)
        if (old.state == .active && new.state != .active) || (old.otp && !new.otp) {
            try await tx.disableAPIKeys(holderType: "user", holderID: new.id, now: now)
            for account in accounts { try await tx.disableAPIKeys(holderType: "service_account", holderID: account.id, now: now) }
        }
        // An operator's banned/locked/deleted is held against every automatic
        // recomputation; any other state the operator sets releases the hold.
        if old.state != new.state {
            try await tx.holdState(userID: new.id, UserStatusRules.operatorStates.contains(new.state) ? new.state : nil, now: now)
        }
        if old.state != new.state && new.state != .active {
            for var account in accounts where account.state != new.state.rawValue {
                account.state = new.state.rawValue
                account.updatedAt = now
                try await tx.updateServiceAccount(account)
            }
            try await tx.deleteSessions(userID: new.id, keeping: nil, now: now)
        }
    }
}
