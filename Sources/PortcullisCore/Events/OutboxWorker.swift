import Logging

/// Drains the outbox, each sink on its own: claims the
/// sink's due deliveries in event order (leased, so a crash only delays
/// them), hands them to the sink, marks what it delivered and reschedules
/// the rest with exponential backoff (2 s, 4 s … capped at
/// `outbox_max_retry_delay`, 10 min by default). A
/// failing sink never holds up another.
public struct OutboxWorker: Sendable {
    let store: any Store
    public let sinks: [any EventSink]
    let clock: any ServerClock
    let logger: Logger
    let batchSize = 50
    /// How long a claimed delivery stays with this instance (`outbox_lease`, 120 s by default).
    let lease: Int64
    /// The longest wait between two attempts (`outbox_max_retry_delay`, 600 s by default).
    let maxDelay: Int64

    public init(store: any Store, sinks: [any EventSink], clock: any ServerClock, logger: Logger, maxDelay: Int = 600, lease: Int = 120) {
        self.store = store; self.sinks = sinks; self.clock = clock; self.logger = logger
        self.maxDelay = Int64(maxDelay); self.lease = Int64(lease)
    }

    /// Delivers what is due now at every sink; returns how many deliveries were made.
    @discardableResult
    public func runOnce() async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for sink in sinks { group.addTask { await self.drain(sink) } }
            return await group.reduce(0, +)
        }
    }

    /// Delivers what is due at one sink, batch after batch, until nothing is due or a delivery fails.
    @discardableResult
    public func drain(_ sink: any EventSink) async -> Int {
        var total = 0
        while true {
            let now = clock.now()
            let (name, limit, leaseUntil) = (sink.name, batchSize, now + lease)
            let due: [OutboxMessage]
            do {
                due = try await store.write { tx in try await tx.claimDeliveries(sink: name, now: now, limit: limit, leaseUntil: leaseUntil) }
            } catch {
                logger.warning("outbox claim failed", metadata: ["sink": "\(name)", "error": "\(type(of: error))"])
                return total
            }
            guard !due.isEmpty else { return total }
            let result = await sink.deliver(due)
            let delivered = Array(due.prefix(result.delivered))
            total += delivered.count
            Telemetry.eventsPublished(sink: name, count: delivered.count)
            do {
                if !delivered.isEmpty {
                    let at = clock.now()
                    try await store.write { tx in try await tx.markDelivered(sink: name, eventIDs: delivered.map(\.id), now: at) }
                }
                guard let error = result.error, result.delivered < due.count else {
                    if due.count < limit { return total }
                    continue
                }
                try await reschedule(Array(due.dropFirst(result.delivered)), at: sink, after: error)
            } catch {
                logger.warning("outbox update failed", metadata: ["sink": "\(name)", "error": "\(type(of: error))"])
            }
            return total
        }
    }

    /// Records the outbox gauges as they stand now: the whole backlog and
    /// every configured sink's (a sink with nothing waiting reports 0).
    public func recordBacklogGauges() async {
        if let backlog = try? await store.read({ tx in try await tx.outboxBacklog() }) {
            Telemetry.outboxPending.record(backlog.pending)
            Telemetry.outboxOldestAge.record(backlog.oldestCreatedAt.map { max(0, clock.now() - $0) } ?? 0)
        }
        if let backlogs = try? await store.read({ tx in try await tx.sinkBacklogs() }) {
            let now = clock.now()
            for sink in sinks.map(\.name) {
                Telemetry.sinkBacklog(backlogs.first { $0.sink == sink } ?? SinkBacklog(sink: sink, pending: 0, oldestCreatedAt: nil), now: now)
            }
        }
    }

    private func reschedule(_ rest: [OutboxMessage], at sink: any EventSink, after error: any Error) async throws {
        guard let failed = rest.first else { return }
        Telemetry.eventFailed(sink: sink.name)
        let attempts = failed.attempts + 1
        let delay = min(maxDelay, Int64(1) << min(attempts, 10))
        let next = clock.now() + delay
        // Our sinks' own errors say what failed (no secrets in them); others by type only.
        let reason = (error as? any SinkError).map { "\($0)" } ?? String(describing: type(of: error))
        logger.warning("event delivery failed; will retry", metadata: [
            "sink": "\(sink.name)", "event": "\(failed.name)", "id": "\(failed.id)", "attempts": "\(attempts)",
            "retry_in_s": "\(delay)", "error": "\(reason)",
        ])
        let name = sink.name
        try await store.write { tx in
            try await tx.rescheduleDeliveries(sink: name, eventIDs: rest.map(\.id), attempts: attempts, nextAttemptAt: next, error: reason)
        }
    }
}

/// A delivery failure whose description is safe to log and store (no tokens, no secrets).
public protocol SinkError: Error, CustomStringConvertible {

}
