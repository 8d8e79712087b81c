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

    public init(activationRequirements: [String]) {
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
}
