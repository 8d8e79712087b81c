import Logging
import PortcullisCore
import ServiceLifecycle

/// Runs `ExpiredRecords` every `interval` with the server; stops at graceful shutdown.
struct SessionSweeper: Service {
    let records: ExpiredRecords
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let (records, interval, logger) = (self.records, self.interval, self.logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await records.delete()
                } catch {
                    logger.warning("session sweep failed", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
