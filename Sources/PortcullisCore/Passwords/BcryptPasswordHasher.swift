import Dispatch
import HummingbirdBcrypt

/// bcrypt from hummingbird-auth, run on a dedicated queue behind a gate of
/// `maxConcurrent` jobs, so a login flood queues here instead of stalling
/// the event loops or Swift's cooperative pool.
public struct BcryptPasswordHasher: PasswordHasher {
    private let cost: UInt8
    private let gate: ConcurrencyGate
    private let queue = DispatchQueue(label: "portcullis.bcrypt", attributes: .concurrent)
    /// Compared against when the email is unknown, so that answer takes as
    /// long as a wrong password (deliberate difference).
    private let dummyHash: String

    public init(cost: Int, maxConcurrent: Int) {
        self.cost = UInt8(clamping: cost)
        self.gate = ConcurrencyGate(limit: max(1, maxConcurrent))
        self.dummyHash = Bcrypt.hash("portcullis-dummy-password", cost: UInt8(clamping: cost))
    }

    public func hash(_ password: String) async -> String {
        let cost = self.cost
        return await run { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, digest: String?) async -> Bool {
        let target = digest ?? dummyHash
        let matches = await run { Bcrypt.verify(password, hash: target) }
        return digest != nil && matches
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        Telemetry.bcryptQueue.increment()
        defer { Telemetry.bcryptQueue.decrement() }
        await gate.acquire()
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
        await gate.release()
        return result
    }
}

/// An async counting semaphore: at most `limit` holders at once, the rest wait in order.
actor ConcurrencyGate {
    private let limit: Int
    private var active = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if active < limit {
            active += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            active -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
