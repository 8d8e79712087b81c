import Foundation

/// The repositories a user write touches: the row, its labels (and their
/// admin view for events), its API keys (disabled when the user leaves
/// `active`) and the outbox its events go to.
public typealias UserWriteRepositories = UserRepository & LabelRepository & AdminRepository & APIKeyRepository & OutboxRepository

/// Every change of a user row and the `model.user.updated` event it owes,
/// together: state and level recomputed from private labels by
/// `UserStatusRules`, saved, and announced in the same transaction.
public struct UserWriter: Sendable {
    public let rules: UserStatusRules
    /// Where the events go (nil: none, as in some tests and tools).
    public let events: EventWriter?

    public init(rules: UserStatusRules, events: EventWriter?) { self.rules = rules; self.events = events }

    /// Saves the user row and emits `model.user.updated` for what changed.
    public func save(_ user: User, was old: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        try await tx.updateUser(user)
        try await events?.userUpdated(from: old, to: user, in: tx, now: now)
    }

    /// Writes a private label and recomputes state and level in the same
    /// transaction, with its `model.label.*` (and `system.document.*`) events.
    public func setPrivateLabel(
        _ key: String, _ value: String, on user: User, in tx: some UserWriteRepositories, now: Int64
    ) async throws -> User {
        // The user's lock before the label's row: one lock order everywhere, so
        // two instances changing one user's labels wait instead of deadlocking.
        try await tx.lockUser(id: user.id)
        let previous = events == nil ? nil : try await tx.adminLabels(userID: user.id).first { $0.key == key && $0.scope == "private" }
        try await tx.upsertLabel(userID: user.id, key: key, value: value, scope: "private", now: now)
        let updated = try await recompute(user, in: tx, now: now)
        try await events?.labelWritten(key: key, scope: "private", previous: previous, of: updated, in: tx, now: now)
        return updated
    }

    /// Deletes a private label and recomputes state and level.
    public func removePrivateLabel(_ key: String, on user: User, in tx: some UserWriteRepositories, now: Int64) async throws -> User {
        try await tx.lockUser(id: user.id)
        try await tx.deleteLabel(userID: user.id, key: key, scope: "private")
        return try await recompute(user, in: tx, now: now)
    }

    public func recompute(_ given: User, in tx: some UserWriteRepositories, now: Int64) async throws -> User {
        // The row as it is now (and, on PostgreSQL, locked until commit): the
        // caller's copy may be older, and another instance may be changing it.
        let user = try await tx.user(id: given.id) ?? given
        let labels = try await tx.labels(userID: user.id)
        var updated = user
        updated.state = rules.state(for: labels, held: try await tx.heldState(userID: user.id))
        updated.level = rules.level(for: labels, levels: try await tx.levels())
        if updated != user {
            updated.updatedAt = now
            try await save(updated, was: user, in: tx, now: now)
        }
        // Leaving `active` disables the user's API keys.
        if user.state == .active && updated.state != .active {
            try await tx.disableAPIKeys(holderType: "user", holderID: user.id, now: now)
        }
        return updated
    }
}

/// `model.user.created` / `model.user.updated`: the event user
/// object, top-level nulls dropped; an update is emitted only when a field
/// of that object changed, with their previous values as `changes`
/// (`updated_at` left out). A password change alone emits nothing.
extension EventWriter {
    public func userCreated(_ user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        try await enqueue("model.user.created", record: EventPayload.text(Self.compact(try await userObject(user, in: tx))),
                          in: tx, now: now)
    }

    /// An imported user, whose referrer is linked only once every row is in.
    public func userCreated(_ user: User, referralUID: String?, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        try await enqueue("model.user.created", record: EventPayload.text(Self.compact(payloads.user(user, referralUID: referralUID))),
                          in: tx, now: now)
    }

    public func userUpdated(from old: User, to new: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let after = try await userObject(new, in: tx)
        let before = old.referralID == new.referralID ? payloads.user(old, referralUID: after["referral_uid"] as? String)
                                                      : try await userObject(old, in: tx)
        guard let changes = Self.changes(from: before, to: after, ignoring: "updated_at") else { return }
        try await enqueue("model.user.updated", record: EventPayload.text(Self.compact(after)), changes: EventPayload.text(changes),
                          in: tx, now: now)
    }
}
