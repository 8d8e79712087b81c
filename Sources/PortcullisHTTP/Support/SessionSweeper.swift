import Logging
import PortcullisCore
import ServiceLifecycle

/// Deletes expired sessions and one-time token records every `interval`;
/// runs with the server and
/// stops at graceful shutdown.
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
                    }
                } catch {
                    logger.warning("session sweep failed", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
