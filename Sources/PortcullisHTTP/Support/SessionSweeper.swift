import Logging
import PortcullisCore
import ServiceLifecycle

/// Deletes expired sessions, one-time token records, API-key nonces and idle
/// rate-limit counters every `interval`; runs with the server and stops at
/// graceful shutdown.
struct SessionSweeper: Service {
    let store: any Store
    let clock: any Clock
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let (store, clock, interval, logger) = (self.store, self.clock, self.interval, self.logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let now = clock.now()
                    try await store.write { tx in
                        try await tx.deleteExpiredSessions(now: now)
                        try await tx.deleteExpiredTokens(now: now)
                        // Counters older than a day outlive every window (15 min at most).
                        try await tx.deleteExpiredLimits(nowMS: now * 1000, idleBefore: now - 86_400)
                        try await tx.deleteExpiredChallenges(now: now)
                    }
                } catch {
                    logger.warning("session sweep failed", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
