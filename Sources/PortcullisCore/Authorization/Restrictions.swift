import Synchronization

/// A restriction row.
public struct Restriction: Sendable, Equatable {
    public var category: String
    public var scope: String { didSet { network = Self.network(scope, value) } }
    public var value: String { didSet { network = Self.network(scope, value) } }
    public var code: Int
    /// An `ip_subnet` row's network, parsed once with the row (not per request).
    private(set) var network: IPNetwork.CIDR?

    public init(category: String, scope: String, value: String, code: Int) {
        self.category = category; self.scope = scope; self.value = value; self.code = code
        network = Self.network(scope, value)
    }

    private static func network(_ scope: String, _ value: String) -> IPNetwork.CIDR? {
        scope == "ip_subnet" ? IPNetwork.CIDR(value) : nil
    }

    /// The default status of a scope; maintenance is always 471.
    public static func defaultCode(category: String, scope: String) -> Int {
        if category == "maintenance" { return 471 }
        switch scope {
        case "ip_subnet": return 403
        case "continent", "country": return 423
        default: return 401
        }
    }

    /// Country and continent compare with the client's GeoIP location
    /// (`value` is upper-cased when the set is loaded); an unknown location
    /// matches no such row.
    func matches(_ client: ClientInfo) -> Bool {
        switch scope {
        case "all": return true
        case "ip": return value == client.ip
        case "ip_subnet": return network.map { network in IPNetwork.bytes(client.ip).map(network.contains) ?? false } ?? false
        case "country": return !client.country.isEmpty && value == client.country
        case "continent": return !client.continent.isEmpty && value == client.continent
        default: return false
        }
    }
}

public protocol RestrictionRepository: Sendable {
    func enabledRestrictions() async throws -> [Restriction]
    /// Adds an enabled restriction; `DuplicateRecord` when (category, scope, value) exists.
    func insertRestriction(_ restriction: Restriction, now: Int64) async throws
}

/// Evaluates restrictions for a client IP: whitelist, maintenance,
/// blacklist, blocklogin in that order; within a category the first match
/// in scope order all, ip, ip_subnet, continent, country decides. The set
/// is cached up to 5 minutes and dropped by `invalidate()` or when any
/// instance commits a change to the rows (it observes the store).
public final class RestrictionGuard: StoreCommitObserver {
    private let cache = Mutex<(rows: [Restriction], loadedAt: Int64)?>(nil)
    let store: any Store
    let clock: any ServerClock
    static let scopeOrder = ["all", "ip", "ip_subnet", "continent", "country"]

    public init(store: any Store, clock: any ServerClock) {
        self.store = store
        self.clock = clock
    }

    public func invalidate() { cache.withLock { $0 = nil } }

    public func committed(_ changes: StoreChanges) {
        if changes.restrictions { invalidate() }
    }

    /// Throws `authz.restrict.<category>` with the row's status; `isLogin`
    /// makes blocklogin rows apply.
    public func check(client: ClientInfo, isLogin: Bool) async throws {
        try Self.apply(try await load(), to: client, isLogin: isLogin)
    }

    /// `check` from memory alone: false when the rows are not cached, and then `check` decides.
    public func checkFromMemory(client: ClientInfo, isLogin: Bool) throws -> Bool {
        guard let rows = cached(now: clock.now()) else { return false }
        try Self.apply(rows, to: client, isLogin: isLogin)
        return true
    }

    static func apply(_ rows: [Restriction], to client: ClientInfo, isLogin: Bool) throws {
        guard !rows.isEmpty else { return }
        func first(_ category: String) -> Restriction? {
            for scope in Self.scopeOrder {
                if let row = rows.first(where: { $0.category == category && $0.scope == scope && $0.matches(client) }) { return row }
            }
            return nil
        }
        if first("whitelist") != nil { return }
        for category in ["maintenance", "blacklist"] + (isLogin ? ["blocklogin"] : []) {
            if let row = first(category) {
                throw APIError(APIError.Status(rawValue: row.code) ?? .forbidden, "authz.restrict.\(category)")
            }
        }
    }

    private func cached(now: Int64) -> [Restriction]? {
        guard let cached = cache.withLock({ $0 }), now - cached.loadedAt < 300 else { return nil }
        return cached.rows
    }

    private func load() async throws -> [Restriction] {
        let now = clock.now()
        if let rows = cached(now: now) { return rows }
        let rows = try await store.read { tx in try await tx.enabledRestrictions() }.map { row in
            var row = row
            if row.scope == "country" || row.scope == "continent" { row.value = row.value.uppercased() }
            return row
        }
        cache.withLock { $0 = (rows, now) }
        return rows
    }
}
