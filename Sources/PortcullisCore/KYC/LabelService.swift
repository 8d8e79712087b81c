/// `resource/labels`: users manage public labels
/// only; private ones are read-only to them and never touched here.
public struct LabelService: Sendable {
    let store: any Store
    let events: EventWriter
    let clock: any ServerClock

    public init(store: any Store, events: EventWriter, clock: any ServerClock) {
        self.store = store; self.events = events; self.clock = clock
    }

    public func list(for user: User, ascending: Bool) async throws -> [Label] {
        let labels = try await store.read { tx in try await tx.labels(userID: user.id) }
        let sorted = labels.enumerated().sorted { a, b in
            a.element.createdAt != b.element.createdAt
                ? (a.element.createdAt < b.element.createdAt) == ascending
                : (a.offset < b.offset) == ascending
        }
        return sorted.map(\.element)
    }

    /// The public label with that key, else the private one (deliberate difference), else 404.
    public func find(_ key: String, for user: User) async throws -> Label {
        let labels = try await store.read { tx in try await tx.labels(userID: user.id) }
        let normalized = LabelRules.normalize(key)
        guard let label = labels.first(where: { $0.key == normalized && $0.scope == "public" })
                ?? labels.first(where: { $0.key == normalized }) else {
            throw APIError(.notFound, ErrorKey.Record.notFound)
        }
        return label
    }

    public func create(key rawKey: String, value rawValue: String, for user: User) async throws -> Label {
        let (key, value) = (LabelRules.normalize(rawKey), LabelRules.normalize(rawValue))
        var errors = [LabelRules.violation(key, attribute: "key"), LabelRules.violation(value, attribute: "value")].compactMap { $0 }
        let existing = try await store.read { tx in try await tx.labels(userID: user.id) }
        if existing.contains(where: { $0.key == key && $0.scope == "public" }) { errors.append(ErrorKey.Admin.keyTaken) }
        guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
        return try await write(key: key, value: value, for: user)
    }

    public func update(key rawKey: String, value rawValue: String, for user: User) async throws -> Label {
        let label = try await find(rawKey, for: user)
        guard label.scope == "public" else { throw APIError(.badRequest, ErrorKey.Labels.private) }
        let value = LabelRules.normalize(rawValue)
        if let key = LabelRules.violation(value, attribute: "value") { throw APIError(.unprocessable, key) }
        return try await write(key: label.key, value: value, for: user)
    }

    public func delete(key rawKey: String, for user: User) async throws {
        let label = try await find(rawKey, for: user)
        guard label.scope == "public" else { throw APIError(.badRequest, ErrorKey.Labels.private) }
        try await store.write { tx in try await tx.deleteLabel(userID: user.id, key: label.key, scope: "public") }
    }

    private func write(key: String, value: String, for user: User) async throws -> Label {
        let now = clock.now()
        let events = self.events
        return try await store.write { tx in
            let previous = try await tx.adminLabels(userID: user.id).first { $0.key == key && $0.scope == "public" }
            try await tx.upsertLabel(userID: user.id, key: key, value: value, scope: "public", now: now)
            let label = try await tx.labels(userID: user.id).first { $0.key == key && $0.scope == "public" }
            guard let label else { throw APIError(.notFound, ErrorKey.Record.notFound) }
            try await events.labelWritten(key: key, scope: "public", previous: previous, of: user, in: tx, now: now)
            return label
        }
    }
}
