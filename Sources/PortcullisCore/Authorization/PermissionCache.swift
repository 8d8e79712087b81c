import Synchronization

/// The permission table, cached up to `ttl` seconds; `invalidate()` makes
/// the next request read it again (admin changes, deliberate difference).
public final class PermissionCache: Sendable {
    private let state = Mutex<(rows: [Permission], loadedAt: Int64)?>(nil)
    let repository: any PermissionRepository
    let ttl: Int64
    let clock: any Clock

    public init(repository: any PermissionRepository, ttl: Int64 = 300, clock: any Clock) {
        self.repository = repository; self.ttl = ttl; self.clock = clock
    }

    public func all() async throws -> [Permission] {
        let now = clock.now()
        if let cached = state.withLock({ $0 }), now - cached.loadedAt < ttl { return cached.rows }
        let rows = try await repository.permissions()
        state.withLock { $0 = (rows, now) }
        return rows
    }

    public func invalidate() { state.withLock { $0 = nil } }
}

/// Reads permissions through the store.
public struct StorePermissions: PermissionRepository {
    let store: any Store
    public init(store: any Store) { self.store = store }
    public func permissions() async throws -> [Permission] {
        try await store.read { tx in try await tx.permissions() }
    }
}
