/// `admin/restrictions`. Writes
/// notify every instance's restriction cache at commit; an enabled
/// `blocklogin` row (new, or newly enabled) ends every session.
public struct RestrictionAdminService: Sendable {
    let store: any Store
    let whitelist: WhitelistAccessService
    let clock: any ServerClock

    public init(store: any Store, whitelist: WhitelistAccessService, clock: any ServerClock) {
        self.store = store; self.whitelist = whitelist; self.clock = clock
    }

    public static let scopes = ["continent", "country", "ip", "ip_subnet", "all"]
    public static let categories = ["whitelist", "maintenance", "blacklist", "blocklogin"]
    public static let states = ["enabled", "disabled"]

    /// Fields to write; nil keeps the stored value on update.
    public struct Fields: Sendable {
        public var scope, category, value, state: String?
        public var code: Int?
        public init(scope: String?, category: String?, value: String?, state: String?, code: Int?) {
            self.scope = scope; self.category = category; self.value = value; self.state = state; self.code = code
        }
    }

    public func list(_ filter: RestrictionFilter) async throws -> (rows: [RestrictionRecord], total: Int) {
        try await store.read { tx in try await tx.restrictionRecords(filter) }
    }

    public func create(scope: String, category: String, value: String, state: String, code: Int?) async throws {
        let now = clock.now()
        let record = RestrictionRecord(
            id: 0, restriction: Restriction(category: category, scope: scope, value: value,
                                            code: Self.code(category: category, scope: scope, given: code)),
            state: state, createdAt: now, updatedAt: now
        )
        try Self.validate(record.restriction)
        try await save {
            try await store.write { tx in
                try await tx.insertRestrictionRecord(record)
                if record.restriction.category == "blocklogin" && record.state == "enabled" { try await tx.deleteAllSessions() }
            }
        }
    }

    /// Validates the merged record; nothing is saved when it does not fit.
    public func update(id: Int64, _ fields: Fields) async throws {
        let now = clock.now()
        try await save {
            try await store.write { tx in
                guard let old = try await tx.restrictionRecord(id: id) else {
                    throw APIError(.notFound, ErrorKey.Admin.restrictionDoesntExist)
                }
                var record = old
                if let scope = fields.scope { record.restriction.scope = scope }
                if let category = fields.category { record.restriction.category = category }
                if let value = fields.value { record.restriction.value = value }
                if let state = fields.state { record.state = state }
                // A new scope or category takes its default code unless one is given.
                let kept = fields.scope == nil && fields.category == nil ? old.restriction.code : nil
                record.restriction.code = Self.code(category: record.restriction.category, scope: record.restriction.scope,
                                                    given: fields.code ?? kept)
                record.updatedAt = now
                try Self.validate(record.restriction)
                try await tx.updateRestrictionRecord(record)
                let enablesBlocklogin = record.restriction.category == "blocklogin" && record.state == "enabled"
                let wasEnabledBlocklogin = old.restriction.category == "blocklogin" && old.state == "enabled"
                if enablesBlocklogin && !wasEnabledBlocklogin { try await tx.deleteAllSessions() }
            }
        }
    }

    public func delete(id: Int64) async throws {
        try await store.write { tx in
            guard try await tx.restrictionRecord(id: id) != nil else { throw APIError(.notFound, ErrorKey.Admin.restrictionDoesntExist) }
            try await tx.deleteRestriction(id: id)
        }
    }

    /// A change the console is about to make, for `locksOut`.
    public enum Proposal: Sendable {
        case create(Restriction, state: String)
        case update(Int64, Fields)
        case delete(Int64)
    }

    /// Whether the change would refuse a sign-in from `client` that the
    /// enabled rows let in now (the console warns before it saves).
    public func locksOut(_ client: ClientInfo, _ proposal: Proposal) async throws -> Bool {
        var all = RestrictionFilter()
        all.page = PageRequest(page: 1, limit: 10_000)
        let filter = all
        let current = try await store.read { tx in try await tx.restrictionRecords(filter) }.rows
        var records = current
        switch proposal {
        case .create(let restriction, let state):
            records.append(RestrictionRecord(id: 0, restriction: restriction, state: state, createdAt: 0, updatedAt: 0))
        case .update(let id, let fields):
            guard let index = records.firstIndex(where: { $0.id == id }) else { return false }
            if let scope = fields.scope { records[index].restriction.scope = scope }
            if let category = fields.category { records[index].restriction.category = category }
            if let value = fields.value { records[index].restriction.value = value }
            if let state = fields.state { records[index].state = state }
        case .delete(let id):
            records.removeAll { $0.id == id }
        }
        func refuses(_ rows: [RestrictionRecord]) -> Bool {
            let enabled = rows.filter { $0.state == "enabled" }.map { record in
                var row = record.restriction
                if row.scope == "country" || row.scope == "continent" { row.value = row.value.uppercased() }
                return row
            }
            return (try? RestrictionGuard.apply(enabled, to: client, isLogin: true)) == nil
        }
        return !refuses(current) && refuses(records)
    }

    /// `restrictions/whitelink`: a 64-hex token for `identity/users/access`.
    public func whitelink(ttlSeconds: Int64) async throws -> Secret {
        try await whitelist.issueToken(ttl: ttlSeconds, token: sha256Hex(SecureRandom.bytes(10)))
    }

    /// Maintenance is always 471; otherwise the given code or the scope's default.
    static func code(category: String, scope: String, given: Int?) -> Int {
        if category == "maintenance" { return 471 }
        return given ?? Restriction.defaultCode(category: category, scope: scope)
    }

    /// `value.invalid`: `ip` needs an IPv4 literal, `ip_subnet` a.b.c.d/0-32.
    static func validate(_ r: Restriction) throws {
        let valid: Bool = switch r.scope {
        case "ip": IPv4.parse(r.value) != nil
        case "ip_subnet": IPv4.parseCIDR(r.value) != nil
        default: !r.value.trimmingCharacters(in: .whitespaces).isEmpty
        }
        if !valid { throw APIError(.unprocessable, ErrorKey.Admin.valueInvalid) }
        if !(100...599).contains(r.code) { throw APIError(.unprocessable, ErrorKey.Record.codeInvalid) }
    }

    private func save(_ work: () async throws -> Void) async throws {
        do { try await work() } catch is DuplicateRecord { throw APIError(.unprocessable, ErrorKey.Admin.valueTaken) }
    }
}

/// Dotted-quad IPv4 syntax (no leading zeros tricks, each octet 0…255).
enum IPv4 {
    static func parse(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseCIDR(_ text: String) -> ([UInt8], Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = parse(String(parts[0])), parts[1].allSatisfy(\.isASCII),
              let bits = Int(parts[1]), (0...32).contains(bits) else { return nil }
        return (address, bits)
    }
}
