/// `admin/permissions`: the gateway permission table.
/// Every write notifies the permission caches of all instances at commit,
/// so a change holds from the next request on (deliberate difference).
public struct PermissionAdminService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    static let verbs = ["get", "post", "delete", "put", "head", "patch", "all"]
    static let actions = ["accept", "drop", "audit"]

    /// The fields of a row to write; nil fields keep their value on update.
    public struct Fields: Sendable {
        public var role, verb, path, action, topic: String?
        public init(role: String?, verb: String?, path: String?, action: String?, topic: String?) {
            self.role = role; self.verb = verb; self.path = path; self.action = action; self.topic = topic
        }
    }

    public func list(page: PageRequest) async throws -> (rows: [PermissionRecord], total: Int) {
        try await store.read { tx in try await tx.permissionRecords(page: page) }
    }

    public func create(role: String, verb: String, path: String, action: String, topic: String?) async throws {
        if !Self.verbs.contains(verb.lowercased()) { throw APIError(.unprocessable, ErrorKey.Admin.invalidVerb) }
        if !Self.actions.contains(action.lowercased()) { throw APIError(.unprocessable, ErrorKey.Admin.invalidAction) }
        let now = clock.now()
        try await store.write { tx in
            guard try await tx.roleExists(role) else { throw APIError(.unprocessable, ErrorKey.Admin.roleDoesntExistForPermission) }
            let row = Permission(role: role, verb: verb.uppercased(), path: path, action: action.uppercased(), topic: topic)
            try await tx.insertPermission(row, now: now)
        }
    }

    /// Verb and action are checked on update too (`verb.inclusion`, `action.inclusion`).
    public func update(id: Int64, _ fields: Fields) async throws {
        let now = clock.now()
        try await store.write { tx in
            guard var record = try await tx.permissionRecord(id: id) else {
                throw APIError(.notFound, ErrorKey.Admin.permissionDoesntExist)
            }
            var errors: [String] = []
            if let verb = fields.verb, !Self.verbs.contains(verb.lowercased()) { errors.append(ErrorKey.Admin.verbInclusion) }
            if let action = fields.action, !Self.actions.contains(action.lowercased()) { errors.append(ErrorKey.Admin.actionInclusion) }
            guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
            if let role = fields.role { record.permission.role = role }
            if let verb = fields.verb { record.permission.verb = verb.uppercased() }
            if let path = fields.path { record.permission.path = path }
            if let action = fields.action { record.permission.action = action.uppercased() }
            if let topic = fields.topic { record.permission.topic = topic }
            record.updatedAt = now
            try await tx.updatePermission(record)
        }
    }

    public func delete(id: Int64) async throws {
        try await store.write { tx in
            guard try await tx.permissionRecord(id: id) != nil else { throw APIError(.notFound, ErrorKey.Admin.permissionDoesntExist) }
            try await tx.deletePermission(id: id)
        }
    }
}
