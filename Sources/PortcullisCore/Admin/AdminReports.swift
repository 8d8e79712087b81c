import Foundation

/// The read-only admin views: levels, activities, a
/// user's API keys, and the dashboard metrics.
public struct AdminReports: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func levels() async throws -> [Level] {
        try await store.read { tx in try await tx.levels() }
    }

    public func activities(_ filter: AdminActivityFilter) async throws -> (rows: [ActivityWithActors], total: Int) {
        try await store.read { tx in try await tx.adminActivities(filter) }
    }

    /// The user's own keys (not its service accounts'); unknown uid → 404.
    public func apiKeys(uid: String, page: APIKeyPage) async throws -> (rows: [APIKey], total: Int) {
        try await store.read { tx in
            let user = try await AdminUserService.target(uid, in: tx)
            return try await tx.apiKeys(holderType: "user", holderID: user.id, page: page)
        }
    }

    /// Daily counts keyed `YYYY-MM-DD` (UTC), and pending document reviews.
    public struct Metrics: Sendable {
        public var signups: [(String, Int)]
        public var successfulLogins: [(String, Int)]
        public var failedLogins: [(String, Int)]
        public var pendingApplications: Int
    }

    /// `created_from` / `created_to` bound the window (Barong ignores them).
    public func metrics(window: TimeWindow) async throws -> Metrics {
        try await store.read { tx in
            func daily(_ topic: String, _ action: String, _ result: String) async throws -> [(String, Int)] {
                try await tx.activityCountsByDay(topic: topic, action: action, result: result, window: window)
                    .map { (Self.day($0.day), $0.count) }
            }
            return Metrics(
                signups: try await daily("account", "signup", "succeed"),
                successfulLogins: try await daily("session", "login", "succeed"),
                failedLogins: try await daily("session", "login", "failed"),
                pendingApplications: try await tx.countPrivateLabels(key: "document", value: "pending")
            )
        }
    }

    static func day(_ number: Int64) -> String {
        String(Timestamp.iso8601(number * 86_400).prefix(10))
    }
}
