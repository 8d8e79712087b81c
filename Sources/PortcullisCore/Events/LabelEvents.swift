import Foundation

/// The label events: `model.label.created` / `.updated`
/// (`{id, key, value, description, user: U}`, top-level nulls dropped, and on
/// `updated` the previous values of what changed) and, when a private
/// `document` label becomes `verified` or `rejected`, `system.document.<value>`
/// with the same record, nulls kept.
extension EventWriter {
    /// Call after the write, in its transaction: the label is read back as stored.
    public func labelWritten(key: String, scope: String, previous: AdminLabel?, of user: User,
                             in tx: some UserRepository & AdminRepository & OutboxRepository, now: Int64) async throws {
        guard let label = try await tx.adminLabels(userID: user.id).first(where: { $0.key == key && $0.scope == scope }) else { return }
        let owner = try await userObject(user, in: tx)
        let record = Self.labelRecord(label, user: owner)
        if let previous {
            guard let changes = Self.changes(from: Self.labelRecord(previous, user: owner), to: record, ignoring: "user") else { return }
            try await enqueue("model.label.updated", record: EventPayload.text(Self.compact(record)), changes: EventPayload.text(changes),
                              in: tx, now: now)
        } else {
            try await enqueue("model.label.created", record: EventPayload.text(Self.compact(record)), in: tx, now: now)
        }
        if scope == "private" && key == "document" && (label.value == "verified" || label.value == "rejected")
            && previous?.value != label.value {
            try await enqueue("system.document.\(label.value)", record: EventPayload.text(record), in: tx, now: now)
        }
    }

    /// The event user object, with the referrer's uid.
    func userObject(_ user: User, in tx: some UserRepository) async throws -> [String: Any] {
        var referralUID: String?
        if let referralID = user.referralID { referralUID = try await tx.user(id: referralID)?.uid }
        return payloads.user(user, referralUID: referralUID)
    }

    static func labelRecord(_ label: AdminLabel, user: [String: Any]) -> [String: Any] {
        ["id": label.id, "key": label.key, "value": label.value, "description": label.description ?? NSNull(), "user": user]
    }

    /// Ruby's `compact` on the top level: model records drop their nulls.
    static func compact(_ record: [String: Any]) -> [String: Any] { record.filter { !($0.value is NSNull) } }

    /// The previous values of the top-level fields that differ (the event's
    /// `changes`), or nil when none does.
    static func changes(from before: [String: Any], to after: [String: Any], ignoring ignored: String) -> [String: Any]? {
        var changes: [String: Any] = [:]
        for key in after.keys where key != ignored && !same(after[key], before[key]) { changes[key] = before[key] ?? NSNull() }
        return changes.isEmpty ? nil : changes
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x as NSObject, y as NSObject): return x.isEqual(y)
        default: return false
        }
    }
}
