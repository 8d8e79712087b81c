import Synchronization

/// The permission table, cached up to `ttl` seconds; a committed change to
/// the rows (this instance's or, on PostgreSQL, any other's) makes the next
/// request read it again (admin changes, deliberate difference).
public final class PermissionCache: StoreCommitObserver {
    /// Rows grouped by role, so a request only scans its own role's rows.
    private let state = Mutex<(byRole: [String: [Permission]], loadedAt: Int64)?>(nil)
    let repository: any PermissionRepository
    let ttl: Int64
    let clock: any ServerClock

    public init(repository: any PermissionRepository, ttl: Int64 = 300, clock: any ServerClock) {
        self.repository = repository; self.ttl = ttl; self.clock = clock
    }

    /// The rows of one role, in table order.
    public func rows(for role: String) async throws -> [Permission] {
        if let rows = cachedRows(for: role) { return rows }
        let now = clock.now()
        let byRole = Dictionary(grouping: try await repository.permissions(), by: \.role)
        state.withLock { $0 = (byRole, now) }
        return byRole[role] ?? []
    }

    /// The rows of one role when the table is cached and fresh, else nil.
    public func cachedRows(for role: String) -> [Permission]? {
        let now = clock.now()
        guard let cached = state.withLock({ $0 }), now - cached.loadedAt < ttl else { return nil }
        return cached.byRole[role] ?? []
    }

    public func invalidate() { state.withLock { $0 = nil } }

    public func committed(_ changes: StoreChanges) {
        if changes.permissions || changes.everything { invalidate() }
    }
}

/// Reads permissions through the store.
public struct StorePermissions: PermissionRepository {
    let store: any Store
    public init(store: any Store) { self.store = store }
    public func permissions() async throws -> [Permission] {
        try await store.read { tx in try await tx.permissions() }
    }
}
