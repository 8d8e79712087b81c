import Synchronization

/// Limits TOTP guessing: after `maxFailures` wrong codes within `window`
/// seconds, every code for that user is refused until the window ends.
public final class OTPAttemptLimiter: Sendable {
    private let failures = Mutex<[Int64: (count: Int, since: Int64)]>([:])
    let maxFailures: Int
    let window: Int64

    public init(maxFailures: Int = 5, window: Int64 = 300) {
        self.maxFailures = maxFailures
        self.window = window
    }

    func isBlocked(userID: Int64, now: Int64) -> Bool {
        failures.withLock { table in
            guard let entry = table[userID] else { return false }
            if now - entry.since >= window { table[userID] = nil; return false }
            return entry.count >= maxFailures
        }
    }

    func recordFailure(userID: Int64, now: Int64) {
        failures.withLock { table in
            if let entry = table[userID], now - entry.since < window {
                table[userID] = (entry.count + 1, entry.since)
            } else {
                table[userID] = (1, now)
            }
        }
    }

    func reset(userID: Int64) {
        failures.withLock { _ = $0.removeValue(forKey: userID) }
    }
}
