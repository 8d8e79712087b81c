import Logging
import PortcullisCore
import ServiceLifecycle
import Synchronization

/// Runs the outbox worker with the server: at start (so a restart
/// delivers what an earlier run left), after every commit that enqueued an
/// event, and once a second for retries. Stops at graceful shutdown.
final class OutboxService: Service, StoreCommitObserver {
    let worker: OutboxWorker
    private let wake: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init(worker: OutboxWorker, store: any Store) {
        self.worker = worker
        (wake, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        store.addCommitObserver(self)
    }

    func committed(_ changes: StoreChanges) {
        if changes.enqueuedEvents { continuation.yield() }
    }

    func run() async throws {
        let (worker, wake, continuation) = (self.worker, self.wake, self.continuation)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                continuation.yield()
            }
        }
        await cancelWhenGracefulShutdown {
            await worker.runOnce()
            for await _ in wake {
                if Task.isCancelled { break }
                await worker.runOnce()
            }
        }
        ticker.cancel()
    }
}
