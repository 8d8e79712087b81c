/// An event waiting in the outbox (api.md §4.6): `payload` is the JSON text
/// of the event's `record`.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var payload: String
    public var attempts: Int

    public init(id: Int64, name: String, payload: String, attempts: Int) {
        self.id = id; self.name = name; self.payload = payload; self.attempts = attempts
    }
}

/// The outbox: written in the same transaction as the change that caused
/// the event, drained by `OutboxWorker`.
public protocol OutboxRepository: Sendable {
    func enqueueEvent(name: String, payload: String, now: Int64) async throws
    /// Due, undelivered events, leased until `leaseUntil` so no other worker takes them meanwhile.
    func claimDueEvents(now: Int64, limit: Int, leaseUntil: Int64) async throws -> [OutboxMessage]
    /// Delivered: kept for audit with its secrets (tokens) scrubbed from the payload.
    func markEventDelivered(id: Int64, now: Int64) async throws
    func rescheduleEvent(id: Int64, attempts: Int, nextAttemptAt: Int64, error: String) async throws
    /// Undelivered events and the creation time of the oldest (nil when none).
    func outboxBacklog() async throws -> (pending: Int, oldestCreatedAt: Int64?)
}

/// Single-use markers and the latest reset secret; only SHA-256 hashes are kept.
public protocol OneTimeTokenRepository: Sendable {
    /// Records a token id as used; false when it already was.
    func markTokenUsed(hash: String, kind: String, userID: Int64?, expireAt: Int64, now: Int64) async throws -> Bool
    func isTokenUsed(hash: String, kind: String, now: Int64) async throws -> Bool
    /// Makes `hash` the only valid reset secret of the user.
    func replaceResetSecret(userID: Int64, hash: String, expireAt: Int64, now: Int64) async throws
    func currentResetSecret(userID: Int64, now: Int64) async throws -> String?
    func deleteResetSecret(userID: Int64) async throws
    func deleteExpiredTokens(now: Int64) async throws
    /// Deletes an unexpired token of that kind; false when there was none.
    func consumeToken(hash: String, kind: String, now: Int64) async throws -> Bool
}
