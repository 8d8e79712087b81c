/// An accepted API-key nonce, kept until `expireAt` (ms since the epoch).
public struct NonceRecord: Sendable, Hashable {
    public var kid: String
    public var nonce: Int64
    public var expireAt: Int64
    public init(kid: String, nonce: Int64, expireAt: Int64) { self.kid = kid; self.nonce = nonce; self.expireAt = expireAt }
}

/// Counters and replay records that must hold across every process sharing
/// the database: each call is one atomic statement.
public protocol RateLimitRepository: Sendable {
    /// Counts one hit on `key` in a fixed window of `window` seconds that
    /// starts at the first hit; returns the hits in the current window.
    func hit(key: String, window: Int64, now: Int64) async throws -> Int
    func clearHits(key: String) async throws
    /// Takes the slot `key` when it was last taken `interval` or more seconds
    /// ago (or never); false when it is still taken.
    func claimSlot(key: String, interval: Int64, now: Int64) async throws -> Bool
    /// Records API-key nonces in one statement; for each, false when its
    /// (kid, nonce) was recorded before or earlier in the same list.
    func acceptNonces(_ nonces: [NonceRecord]) async throws -> [Bool]
    /// Counts an attempt on `key` unless it is waiting (`wait_until_ms` after
    /// `nowMS`): the attempts in the window, restarted when the last one is
    /// `window` seconds old; nil while it waits.
    func countAttempt(key: String, window: Int64, now: Int64, nowMS: Int64) async throws -> Int?
    /// Takes one attempt back from `key` (never below zero).
    func releaseAttempt(key: String) async throws
    /// Makes `key` wait until `untilMS`.
    func holdAttempts(key: String, untilMS: Int64) async throws
    /// When the next attempt on `key` may run (ms), if it is counted at all.
    func attemptsWait(key: String) async throws -> Int64?
    func clearAttempts(key: String) async throws
    /// Drops nonces past their expiry (ms) and counters idle for more than `idleBefore` (s).
    func deleteExpiredLimits(nowMS: Int64, idleBefore: Int64) async throws
}
