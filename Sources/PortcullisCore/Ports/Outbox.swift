/// An event waiting in the outbox: `payload` is the JSON text
/// of the event's `record`, `changes` (on `*.updated`) the JSON text of the
/// previous values, `jti` the id every delivery of it carries.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var payload: String
    public var changes: String?
    public var jti: String
    /// Earlier attempts of this event at the sink that claimed it.
    public var attempts: Int

    public init(id: Int64, name: String, payload: String, changes: String? = nil, jti: String, attempts: Int) {
        self.id = id; self.name = name; self.payload = payload; self.changes = changes; self.jti = jti; self.attempts = attempts
    }
}

/// One sink's undelivered events: how many, and when the oldest was written.
public struct SinkBacklog: Sendable, Equatable {
    public var sink: String
    public var pending: Int
    public var oldestCreatedAt: Int64?
    public init(sink: String, pending: Int, oldestCreatedAt: Int64?) {
        self.sink = sink; self.pending = pending; self.oldestCreatedAt = oldestCreatedAt
    }
}

/// The outbox: written in the same transaction as the change
/// that caused the event, with one delivery row per sink that takes it;
/// each sink's rows are drained by `OutboxWorker` on their own.
public protocol OutboxRepository: Sendable {
    /// The event, and a pending delivery for each of `sinks` (none: it is
    /// kept for audit only and counts as delivered at once).
    func enqueueEvent(name: String, payload: String, changes: String?, jti: String, sinks: [String], now: Int64) async throws
    /// The sink's oldest undelivered events in event order, as long as they
    /// are due (the first one not due stops the list: a sink delivers in
    /// order), leased until `leaseUntil` so no other worker takes them.
    func claimDeliveries(sink: String, now: Int64, limit: Int, leaseUntil: Int64) async throws -> [OutboxMessage]
    /// Delivered at `sink`; an event delivered at every sink is marked
    /// delivered and loses its secrets (tokens) from the kept payload.
    func markDelivered(sink: String, eventIDs: [Int64], now: Int64) async throws
    /// Not delivered: the first event gets `attempts` and the error, and it
    /// and the rest wait until `nextAttemptAt`, so their order holds.
    func rescheduleDeliveries(sink: String, eventIDs: [Int64], attempts: Int, nextAttemptAt: Int64, error: String) async throws
    /// Undelivered events and the creation time of the oldest (nil when none).
    func outboxBacklog() async throws -> (pending: Int, oldestCreatedAt: Int64?)
    /// The same per sink (sinks with nothing pending are left out).
    func sinkBacklogs() async throws -> [SinkBacklog]
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
