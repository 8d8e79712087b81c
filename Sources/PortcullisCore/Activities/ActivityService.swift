/// `GET resource/users/activity/{topic}`.
public struct ActivityService: Sendable {
    public static let topics: Set<String> = ["all", "session", "otp", "password", "account"]
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func list(_ filter: ActivityFilter) async throws -> (rows: [Activity], total: Int) {
        let page = try await store.read { tx in try await tx.activities(filter) }
        // Barong answers 422 when nothing matches; kept for compatibility.
        guard !page.rows.isEmpty else { throw APIError(.unprocessable, ErrorKey.ResourceUser.noActivity) }
        return page
    }
}
