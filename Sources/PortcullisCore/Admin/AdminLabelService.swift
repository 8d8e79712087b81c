/// `admin/users/labels`: admins write labels of any
/// scope. A private label change recomputes level and state
/// and a `document` label becoming verified/rejected emits
/// `system.document.<value>` besides `model.label.*` (LabelEvents): with
/// `kyc_provider = local` this is how KYC closes.
public struct AdminLabelService: Sendable {
    let store: any Store
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock

    public init(store: any Store, userWriter: UserWriter, events: EventWriter, clock: any ServerClock) {
        self.store = store; self.userWriter = userWriter; self.events = events; self.clock = clock
    }

    /// What to do when the label is missing, and what to do with its description.
    public enum Mode: Sendable {
        /// `POST users/labels`: create; an existing one is `key.taken`.
        case create
        /// `POST users/labels/update`: set value and description (nil clears
        /// it); a missing label is created when `replace`, else 404.
        case replace(Bool)
        /// `PUT users/labels`: set value, description only when given; missing → 404.
        case update
    }

    /// The saved label. `admin` nil: a signed management call.
    @discardableResult
    public func save(uid: String, key rawKey: String, value rawValue: String, scope: String, description: String?,
                     mode: Mode, by admin: User?) async throws -> Label {
        let (key, value) = (LabelRules.normalize(rawKey), LabelRules.normalize(rawValue))
        let now = clock.now()
        let (userWriter, events) = (self.userWriter, self.events)
        return try await store.write { tx in
            let target = try await Self.lockedTarget(uid, by: admin, in: tx)
            let previous = try await tx.adminLabels(userID: target.id).first { $0.key == key && $0.scope == scope }
            let exists = previous != nil
            var clearDescription = false
            switch mode {
            case .create: break
            case .replace(let replace):
                if !exists && !replace { throw APIError(.notFound, ErrorKey.Admin.labelDoesntExist) }
                clearDescription = true
            case .update:
                if !exists { throw APIError(.notFound, ErrorKey.Admin.labelDoesntExist) }
            }
            var errors = [LabelRules.violation(key, attribute: "key"), LabelRules.violation(value, attribute: "value")].compactMap { $0 }
            if !["public", "private"].contains(scope) { errors.append(ErrorKey.Admin.scopeInclusion) }
            if case .create = mode, exists { errors.append(ErrorKey.Admin.keyTaken) }
            guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
            try await tx.saveLabel(userID: target.id, key: key, value: value, scope: scope, description: description,
                                   clearDescription: clearDescription, now: now)
            let user = try await Self.afterChange(of: target, scope: scope, userWriter: userWriter, in: tx, now: now)
            try await events.labelWritten(key: key, scope: scope, previous: previous, of: user, in: tx, now: now)
            guard let saved = try await tx.labels(userID: target.id).first(where: { $0.key == key && $0.scope == scope }) else {
                throw APIError(.notFound, ErrorKey.Admin.labelDoesntExist)
            }
            return saved
        }
    }

    public func delete(uid: String, key rawKey: String, scope: String, by admin: User?) async throws {
        let key = LabelRules.normalize(rawKey)
        let now = clock.now()
        let userWriter = self.userWriter
        try await store.write { tx in
            let target = try await Self.lockedTarget(uid, by: admin, in: tx)
            guard try await tx.adminLabels(userID: target.id).contains(where: { $0.key == key && $0.scope == scope }) else {
                throw APIError(.notFound, ErrorKey.Admin.labelDoesntExist)
            }
            try await tx.deleteLabel(userID: target.id, key: key, scope: scope)
            _ = try await Self.afterChange(of: target, scope: scope, userWriter: userWriter, in: tx, now: now)
        }
    }

    /// The target user, refused when a non-superadmin touches a superadmin;
    /// locked before its label rows (one lock order, so two writers cannot deadlock).
    private static func lockedTarget(_ uid: String, by admin: User?, in tx: some UserRepository) async throws -> User {
        let target = try await AdminUserService.target(uid, in: tx)
        try AdminUserService.guardSuperadmin(target, by: admin)
        try await tx.lockUser(id: target.id)
        return target
    }

    /// A private label change recomputes level and state.
    private static func afterChange(of target: User, scope: String, userWriter: UserWriter, in tx: some UserWriteRepositories,
                                    now: Int64) async throws -> User {
        scope == "private" ? try await userWriter.recompute(target, in: tx, now: now) : target
    }
}
