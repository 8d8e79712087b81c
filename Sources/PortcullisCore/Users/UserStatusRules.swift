/// State and level follow from the
/// user's private labels. Public labels never count (deliberate difference).
public struct UserStatusRules: Sendable {
    /// `key:value` pairs that make a user `active`.
    public let activationRequirements: [(key: String, value: String)]
    /// Label keys that force a state; later entries win.
    public let stateTriggers: [(state: UserState, keys: [String])] = [
        (.banned, ["ban", "fraud"]),
        (.deleted, ["delete"]),
        (.locked, ["suspicious", "lock"]),
    ]

    /// Writes `model.user.updated` when a save changes the user object (nil: no events, as in some tests).
    public let events: EventWriter?

    public init(activationRequirements: [String], events: EventWriter? = nil) {
        self.events = events
        self.activationRequirements = activationRequirements.compactMap { pair in
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// States only an operator puts a user in and takes them out of (a
    /// deliberate difference: Barong's recomputation from labels lifts them).
    public static let operatorStates: Set<UserState> = [.banned, .locked, .deleted]

    /// The state the labels give; an operator's `held` state beats activation,
    /// and a private trigger label (operators write those too) beats both.
    public func state(for labels: [Label], held: UserState? = nil) -> UserState {
        let privateLabels = labels.filter { $0.scope == "private" }
        let satisfied = activationRequirements.allSatisfy { requirement in
            privateLabels.contains { $0.key == requirement.key && $0.value == requirement.value }
        }
        var state: UserState = held ?? (satisfied ? .active : .pending)
        for trigger in stateTriggers where privateLabels.contains(where: { trigger.keys.contains($0.key) }) {
            state = trigger.state
        }
        return state
    }

    /// The id of the last level of the unbroken satisfied prefix, 0 if none.
    public func level(for labels: [Label], levels: [Level]) -> Int {
        var level = 0
        for candidate in levels.sorted(by: { $0.id < $1.id }) {
            let present = labels.contains { $0.scope == "private" && $0.key == candidate.key && $0.value == candidate.value }
            guard present else { break }
            level = candidate.id
        }
        return level
    }

    /// Writes a private label and recomputes state and level in the same
    /// transaction, with its `model.label.*` (and `system.document.*`) events.
    public func setPrivateLabel(
        _ key: String, _ value: String, on user: User, in tx: any StoreTransaction, now: Int64
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
    public func removePrivateLabel(_ key: String, on user: User, in tx: any StoreTransaction, now: Int64) async throws -> User {
        try await tx.lockUser(id: user.id)
        try await tx.deleteLabel(userID: user.id, key: key, scope: "private")
        return try await recompute(user, in: tx, now: now)
    }

    public func recompute(_ given: User, in tx: any StoreTransaction, now: Int64) async throws -> User {
        // The row as it is now (and, on PostgreSQL, locked until commit): the
        // caller's copy may be older, and another instance may be changing it.
        let user = try await tx.user(id: given.id) ?? given
        let labels = try await tx.labels(userID: user.id)
        var updated = user
        updated.state = state(for: labels, held: try await tx.heldState(userID: user.id))
        updated.level = level(for: labels, levels: try await tx.levels())
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

import Foundation
