import Foundation
import Logging

/// Something done with an outbox event (sending mail, publishing it).
public protocol EventHandler: Sendable {
    func handles(_ name: String) -> Bool
    func handle(_ message: OutboxMessage) async throws
}

/// Drains the outbox: claims due events (leased, so a crash only delays
/// them), hands each to its handlers, marks it delivered or reschedules it
/// with exponential backoff (2 s, 4 s … capped at 10 min).
public struct OutboxWorker: Sendable {
    let store: any Store
    let handlers: [any EventHandler]
    let clock: any Clock
    let logger: Logger
    let batchSize = 20
    let lease: Int64 = 120

    public init(store: any Store, handlers: [any EventHandler], clock: any Clock, logger: Logger) {
        self.store = store; self.handlers = handlers; self.clock = clock; self.logger = logger
    }

    /// Delivers what is due now; returns how many events were delivered.
    @discardableResult
    public func runOnce() async -> Int {
        let now = clock.now()
        let (limit, leaseUntil) = (batchSize, now + lease)
        let due: [OutboxMessage]
        do {
            due = try await store.write { tx in try await tx.claimDueEvents(now: now, limit: limit, leaseUntil: leaseUntil) }
        } catch {
            logger.warning("outbox claim failed", metadata: ["error": "\(type(of: error))"])
            return 0
        }
        var delivered = 0
        for message in due {
            do {
                for handler in handlers where handler.handles(message.name) {
                    try await handler.handle(message)
                }
                let at = clock.now()
                try await store.write { tx in try await tx.markEventDelivered(id: message.id, now: at) }
                delivered += 1
            } catch {
                let attempts = message.attempts + 1
                let delay = Int64(min(600, 1 << min(attempts, 10)))
                let next = clock.now() + delay
                let reason = String(describing: type(of: error))
                logger.warning("event delivery failed; will retry", metadata: [
                    "event": "\(message.name)", "id": "\(message.id)", "attempts": "\(attempts)", "retry_in_s": "\(delay)",
                    "error": "\(reason)",
                ])
                try? await store.write { tx in
                    try await tx.rescheduleEvent(id: message.id, attempts: attempts, nextAttemptAt: next, error: reason)
                }
            }
        }
        return delivered
    }
}
