/// Limits TOTP guessing: at most `maxFailures` codes are checked per user
/// within `window` seconds; an accepted code clears the count. Each attempt
/// is counted in the store before the code is checked, so parallel guesses,
/// on one instance or several, cannot get past the limit.
public struct OTPAttemptLimiter: Sendable {
    let store: any Store
    let maxFailures: Int
    let window: Int64

    public init(store: any Store, maxFailures: Int = 5, window: Int64 = 300) {
        self.store = store
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Counts an attempt; false when the user has used up the window.
    func attempt(userID: Int64, now: Int64) async throws -> Bool {
        let (key, window) = (Self.key(userID), self.window)
        return try await store.write { tx in try await tx.hit(key: key, window: window, now: now) } <= maxFailures
    }

    func succeeded(userID: Int64) async throws {
        let key = Self.key(userID)
        try await store.write { tx in try await tx.clearHits(key: key) }
    }

    static func key(_ userID: Int64) -> String { "otp:\(userID)" }
}
