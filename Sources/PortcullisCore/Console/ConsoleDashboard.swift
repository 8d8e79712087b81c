/// The console's first page: sign-ups, sign-ins and failed
/// sign-ins per hour over 24 h and per day over 7 days, users by state and
/// level, the KYC work waiting, and the outbox backlog. Read in one
/// transaction, so the figures agree with each other.
public struct ConsoleDashboard: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    /// Three counts per bucket, oldest bucket first; `start` is the bucket's first second.
    public struct Bucket: Sendable, Equatable {
        public var start: Int64
        public var signups = 0
        public var logins = 0
        public var failedLogins = 0
    }

    public struct Summary: Sendable {
        public var hours: [Bucket]
        public var days: [Bucket]
        public var states: [(String, Int)]
        public var levels: [(Int, Int)]
        public var pendingDocuments: Int
        public var submittedProfiles: Int
        public var outboxPending: Int
    }

    public func summary() async throws -> Summary {
        let now = clock.now()
        return try await store.read { tx in
            func buckets(_ size: Int64, count: Int64) async throws -> [Bucket] {
                let first = now / size - (count - 1)
                var result = (0..<count).map { Bucket(start: (first + $0) * size) }
                let series: [(String, String, String, WritableKeyPath<Bucket, Int>)] = [
                    ("account", "signup", "succeed", \.signups), ("session", "login", "succeed", \.logins),
                    ("session", "login", "failed", \.failedLogins),
                ]
                for (topic, action, outcome, field) in series {
                    for row in try await tx.activityCounts(topic: topic, action: action, result: outcome, since: first * size,
                                                           bucketSeconds: size) {
                        let index = Int(row.bucket - first)
                        if result.indices.contains(index) { result[index][keyPath: field] += row.count }
                    }
                }
                return result
            }
            let (states, levels) = try await tx.userCounts()
            return Summary(
                hours: try await buckets(3600, count: 24), days: try await buckets(86_400, count: 7),
                states: states, levels: levels,
                pendingDocuments: try await tx.countPrivateLabels(key: "document", value: "pending"),
                submittedProfiles: try await tx.countProfiles(state: "submitted"),
                outboxPending: try await tx.outboxBacklog().pending
            )
        }
    }
}
