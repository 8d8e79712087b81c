import Synchronization

/// The deadline passed before the work finished; the work was cancelled.
public struct DeadlinePassed: Error, Sendable {
    public init() {}
}

/// Bounds a wait for real. A task group's timeout still waits for the child
/// it timed out, so work that ignores cancellation (a socket that never
/// answers) would hold its caller forever; here the caller returns when the
/// deadline passes, and the abandoned work is cancelled and left to end on
/// its own.
public enum Deadline {
    public static func run<T: Sendable>(
        _ duration: Duration, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = OneOutcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.waiting(continuation)
                let worker = Task {
                    do { outcome.settle(.success(try await work())) } catch { outcome.settle(.failure(error)) }
                }
                outcome.onAbandon { worker.cancel() }
                Task {
                    try? await Task.sleep(for: duration)
                    outcome.settle(.failure(DeadlinePassed()))
                }
            }
        } onCancel: {
            outcome.settle(.failure(CancellationError()))
        }
    }
}

/// The first outcome wins; the work is cancelled when it did not produce it.
private final class OneOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var settled = false
        var abandon: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func waiting(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            guard let early = state.early else { state.continuation = continuation; return nil }
            return early
        }
        if let early { continuation.resume(with: early) }
    }

    func onAbandon(_ abandon: @escaping @Sendable () -> Void) {
        let settled = state.withLock { state in
            if !state.settled { state.abandon = abandon }
            return state.settled
        }
        if settled { abandon() }
    }

    func settle(_ result: Result<T, any Error>) {
        let (continuation, abandon): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) = state.withLock { state in
            guard !state.settled else { return (nil, nil) }
            state.settled = true
            guard let continuation = state.continuation else { state.early = result; return (nil, nil) }
            state.continuation = nil
            let abandon = state.abandon
            state.abandon = nil
            return (continuation, abandon)
        }
        continuation?.resume(with: result)
        if case .failure = result { abandon?() }
    }
}
