import Logging
import PortcullisCore
import ServiceLifecycle

/// Runs the outbox with the server, one loop per sink so a slow or failing
/// sink (a webhook that times out, a broker that is down) never holds up
/// another: each drains at start (so a restart delivers what an earlier run
/// left), after every commit that enqueued an event, and once a second for
/// retries. Stops at graceful shutdown.
final class OutboxService: Service, StoreCommitObserver {
    let worker: OutboxWorker
    static let shutdownGrace: Duration = .seconds(3)
    private let wakes: [AsyncStream<Void>.Continuation]
    private let streams: [AsyncStream<Void>]

    /// Register it as the store's commit observer so commits wake the sinks.
    init(worker: OutboxWorker) {
        self.worker = worker
        let pairs = worker.sinks.map { _ in AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1)) }
        streams = pairs.map(\.stream)
        wakes = pairs.map(\.continuation)
    }

    func committed(_ changes: StoreChanges) {
        if changes.enqueuedEvents { wakes.forEach { $0.yield() } }
    }

    func run() async throws {
        let (worker, streams, wakes) = (self.worker, self.streams, self.wakes)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                wakes.forEach { $0.yield() }
            }
        }
        let drains = Task {
            await withTaskGroup(of: Void.self) { group in
                for (sink, wake) in zip(worker.sinks, streams) {
                    group.addTask {
                        await worker.drain(sink)
                        for await _ in wake {
                            if Task.isCancelled { break }
                            await worker.drain(sink)
                        }
                    }
                }
            }
        }
        // Until shutdown; then a delivery in flight gets a few seconds to record
        // itself, and no more: a sink stuck in a call that ignores cancellation
        // must not turn a SIGTERM into a crash. What is left undelivered stays
        // leased in the outbox and is sent again after the restart.
        try? await gracefulShutdown()
        drains.cancel()
        ticker.cancel()
        _ = try? await Deadline.run(Self.shutdownGrace) { await drains.value }
    }
}
