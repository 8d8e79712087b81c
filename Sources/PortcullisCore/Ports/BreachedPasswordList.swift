/// A list of passwords seen in data breaches, asked by a password's SHA-1
/// (the password itself never leaves the core).
public protocol BreachedPasswordList: Sendable {
    /// How many times the password with this 20-byte SHA-1 was seen; 0 when
    /// never. Throws when the list cannot answer (unreachable, too slow,
    /// unreadable): the caller's fail-open rule decides then.
    func count(sha1 digest: [UInt8]) async throws -> Int
}

/// Where a user's breached password is remembered (takeover.md §P).
public protocol PasswordBreachRepository: Sendable {
    /// Marks the user's current password (`mark`: `BreachScreen.mark(of:)` of
    /// its digest) as breached. True when an advisory mail is due: the first
    /// finding for this password, or the last mail was sent at or before
    /// `mailedBefore`. One statement, so two sign-ins at once mail once.
    func flagBreachedPassword(userID: Int64, mark: String, now: Int64, mailedBefore: Int64) async throws -> Bool
}
