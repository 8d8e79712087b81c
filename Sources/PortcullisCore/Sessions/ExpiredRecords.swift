/// Deletes what has outlived its use: expired sessions, one-time token
/// records, API-key nonces, passkey challenges and idle rate-limit counters.
public struct ExpiredRecords: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    public func delete() async throws {
        let now = clock.now()
        try await store.write { tx in
            try await tx.deleteExpiredSessions(now: now)
            try await tx.deleteExpiredTokens(now: now)
            // Counters older than a day outlive every window (15 min at most).
            try await tx.deleteExpiredLimits(nowMS: now * 1000, idleBefore: now - 86_400)
            try await tx.deleteExpiredChallenges(now: now)
        }
    }
}
