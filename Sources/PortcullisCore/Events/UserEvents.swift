import Foundation

/// `model.user.created` / `model.user.updated`: the event user
/// object, top-level nulls dropped; an update is emitted only when a field
/// of that object changed, with their previous values as `changes`
/// (`updated_at` left out). A password change alone emits nothing.
extension EventWriter {
    public func userCreated(_ user: User, in tx: any StoreTransaction, now: Int64) async throws {
        try await enqueue("model.user.created", record: EventPayload.text(Self.compact(try await userObject(user, in: tx))),
                          in: tx, now: now)
    }

    /// An imported user, whose referrer is linked only once every row is in.
    public func userCreated(_ user: User, referralUID: String?, in tx: any StoreTransaction, now: Int64) async throws {
        try await enqueue("model.user.created", record: EventPayload.text(Self.compact(payloads.user(user, referralUID: referralUID))),
                          in: tx, now: now)
    }

    public func userUpdated(from old: User, to new: User, in tx: any StoreTransaction, now: Int64) async throws {
        let after = try await userObject(new, in: tx)
        let before = old.referralID == new.referralID ? payloads.user(old, referralUID: after["referral_uid"] as? String)
                                                      : try await userObject(old, in: tx)
        guard let changes = Self.changes(from: before, to: after, ignoring: "updated_at") else { return }
        try await enqueue("model.user.updated", record: EventPayload.text(Self.compact(after)), changes: EventPayload.text(changes),
                          in: tx, now: now)
    }
}

extension UserStatusRules {
    /// Saves the user row and emits `model.user.updated` for what changed.
    public func save(_ user: User, was old: User, in tx: any StoreTransaction, now: Int64) async throws {
        try await tx.updateUser(user)
        try await events?.userUpdated(from: old, to: user, in: tx, now: now)
    }
}
