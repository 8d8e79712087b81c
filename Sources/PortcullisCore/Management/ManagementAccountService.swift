/// Management `service_accounts…`.
public struct ManagementAccountService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    /// A service account with its owner, as the ServiceAccounts entity shows it.
    public struct Listed: Sendable {
        public var account: ServiceAccount
        public var owner: User?
    }

    public func find(uid: String?, email: String?) async throws -> Listed {
        try await store.read { tx in
            let account: ServiceAccount?
            if let uid { account = try await tx.serviceAccount(uid: uid) } else { account = try await tx.serviceAccount(email: email ?? "") }
            guard let account else { throw ManagementError.recordNotFound }
            return try await Self.listed(account, in: tx)
        }
    }

    /// An owner filter that matches no user gives an empty list (deliberate difference).
    public func list(ownerUID: String?, ownerEmail: String?, page: PageRequest) async throws -> (rows: [Listed], total: Int) {
        try await store.read { tx in
            var ownerID: Int64?
            if ownerUID != nil || ownerEmail != nil {
                let owner = ownerUID != nil ? try await tx.user(uid: ownerUID ?? "") : try await tx.user(email: (ownerEmail ?? "").lowercased())
                guard let owner else { return ([], 0) }
                ownerID = owner.id
            }
            let (accounts, total) = try await tx.serviceAccounts(ownerID: ownerID, page: page)
            var rows: [Listed] = []
            for account in accounts { rows.append(try await Self.listed(account, in: tx)) }
            return (rows, total)
        }
    }

    public struct NewAccount: Sendable {
        public var role: String
        public var ownerUID, uid, email, state: String?
        public var level: Int?
        public init(role: String, ownerUID: String?, uid: String?, email: String?, state: String?, level: Int?) {
            self.role = role; self.ownerUID = ownerUID; self.uid = uid; self.email = email; self.state = state; self.level = level
        }
    }

    /// Defaults: uid `SI` + 10 hex; email `<owner local>+<uid>@<owner domain>`;
    /// state and level copied from the owner, else given or pending / 0.
    public func create(_ input: NewAccount) async throws -> Listed {
        let now = clock.now()
        return try await store.write { tx in
            guard try await tx.roleExists(input.role) else { throw ManagementError.messages(.unprocessable, ["Role doesnt_exist"]) }
            let owner = try await input.ownerUID.asyncMap { try await tx.user(uid: $0) } ?? nil
            let uid = input.uid ?? ("SI" + SecureRandom.hex(bytes: 5).uppercased())
            var email = input.email?.lowercased()
            if email == nil, let owner, let at = owner.email.firstIndex(of: "@") {
                email = "\(owner.email[..<at])+\(uid.lowercased())\(owner.email[at...])"
            }
            guard let email else { throw ManagementError.messages(.unprocessable, ["Email can't be blank"]) }
            guard EmailAddress.normalize(email) != nil else { throw ManagementError.messages(.unprocessable, ["Email is invalid"]) }
            let userByUID = try await tx.user(uid: uid), userByEmail = try await tx.user(email: email)
            let accountByUID = try await tx.serviceAccount(uid: uid), accountByEmail = try await tx.serviceAccount(email: email)
            if userByUID != nil || userByEmail != nil || accountByUID != nil || accountByEmail != nil { throw ManagementError.messages(.unprocessable, ["Email or uid not_uniq"]) }
            let account = try await tx.insertServiceAccount(ServiceAccount(
                id: 0, uid: uid, ownerID: owner?.id, email: email, role: input.role,
                level: owner?.level ?? input.level ?? 0, state: owner?.state.rawValue ?? input.state ?? UserState.pending.rawValue,
                createdAt: now, updatedAt: now
            ))
            return Listed(account: account, owner: owner)
        }
    }

    /// Sets the owner when `ownerUID` names a user (state copied from it); else unchanged.
    public func update(uid: String, ownerUID: String?) async throws -> Listed {
        let now = clock.now()
        return try await store.write { tx in
            // The new owner's row first, then the account's: the store's lock order (user, then service account).
            let owner = try await ownerUID.asyncMap { try await tx.user(uid: $0) } ?? nil
            guard var account = try await tx.serviceAccount(uid: uid) else {
                throw ManagementError.sentence(.unprocessable, "Service account doesnt exist")
            }
            if let owner {
                account.ownerID = owner.id
                account.state = owner.state.rawValue
                account.updatedAt = now
                try await tx.updateServiceAccount(account)
            }
            return try await Self.listed(account, in: tx)
        }
    }

    /// State `disabled`; its keys stop working at once.
    public func disable(uid: String) async throws -> Listed {
        let now = clock.now()
        return try await store.write { tx in
            guard var account = try await tx.serviceAccount(uid: uid) else { throw ManagementError.recordNotFound }
            account.state = "disabled"
            account.updatedAt = now
            try await tx.updateServiceAccount(account)
            try await tx.disableAPIKeys(holderType: "service_account", holderID: account.id, now: now)
            return try await Self.listed(account, in: tx)
        }
    }

    static func listed(_ account: ServiceAccount, in tx: some UserRepository) async throws -> Listed {
        Listed(account: account, owner: try await account.ownerID.asyncMap { try await tx.user(id: $0) } ?? nil)
    }
}
