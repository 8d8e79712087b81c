import PortcullisCore
import SQLKit

/// The admin API's permission and restriction rows.
extension SQLTransaction {
    func permissionRecords(page: PageRequest) async throws -> (rows: [PermissionRecord], total: Int) {
        let total = try await db.raw("SELECT COUNT(*) AS n FROM permissions").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT id, role, verb, path, action, topic, created_at, updated_at FROM permissions ORDER BY id
            LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
            """).all().map(Self.permissionRecord)
        return (rows, total)
    }

    func permissionRecord(id: Int64) async throws -> PermissionRecord? {
        try await db.raw("""
            SELECT id, role, verb, path, action, topic, created_at, updated_at FROM permissions WHERE id = \(bind: id)\(unsafeRaw: rowLock)
            """).first().map(Self.permissionRecord)
    }

    func insertPermission(_ p: Permission, now: Int64) async throws {
        changes.touchPermissions()
        try await db.raw("""
            INSERT INTO permissions (role, verb, path, action, topic, created_at, updated_at)
            VALUES (\(bind: p.role), \(bind: p.verb), \(bind: p.path), \(bind: p.action), \(bind: p.topic), \(bind: now), \(bind: now))
            """).run()
    }

    func updatePermission(_ r: PermissionRecord) async throws {
        changes.touchPermissions()
        let p = r.permission
        try await db.raw("""
            UPDATE permissions SET role = \(bind: p.role), verb = \(bind: p.verb), path = \(bind: p.path), action = \(bind: p.action),
                topic = \(bind: p.topic), updated_at = \(bind: r.updatedAt)
            WHERE id = \(bind: r.id)
            """).run()
    }

    func deletePermission(id: Int64) async throws {
        changes.touchPermissions()
        try await db.raw("DELETE FROM permissions WHERE id = \(bind: id)").run()
    }

    func roleExists(_ role: String) async throws -> Bool {
        try await db.raw("SELECT 1 AS found FROM permissions WHERE role = \(bind: role) LIMIT 1").first() != nil
    }

    static func permissionRecord(from row: any SQLRow) throws -> PermissionRecord {
        PermissionRecord(
            id: try row.int64("id"),
            permission: Permission(role: try row.string("role"), verb: try row.string("verb"), path: try row.string("path"),
                                   action: try row.string("action"), topic: try row.optionalString("topic")),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
    }

    // MARK: restrictions

    static let restrictionColumns = "id, category, scope, value, code, state, created_at, updated_at"

    func restrictionRecords(_ f: RestrictionFilter) async throws -> (rows: [RestrictionRecord], total: Int) {
        var condition = SQLQueryString("1 = 1")
        func and(_ part: SQLQueryString) { condition.appendInterpolation(SQLQueryString(" AND ")); condition.appendInterpolation(part) }
        if let scope = f.scope { and("r.scope = \(bind: scope)") }
        if let category = f.category { and("r.category = \(bind: category)") }
        window(f.window, alias: "r", and)
        let total = try await db.raw("SELECT COUNT(*) AS n FROM restrictions r WHERE \(condition)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.restrictionColumns) FROM restrictions r WHERE \(condition) ORDER BY id
            LIMIT \(bind: f.page.limit) OFFSET \(bind: f.page.offset)
            """).all().map(Self.restrictionRecord)
        return (rows, total)
    }

    func restrictionRecord(id: Int64) async throws -> RestrictionRecord? {
        try await db.raw("SELECT \(unsafeRaw: Self.restrictionColumns) FROM restrictions WHERE id = \(bind: id)\(unsafeRaw: rowLock)")
            .first().map(Self.restrictionRecord)
    }

    func insertRestrictionRecord(_ r: RestrictionRecord) async throws {
        changes.touchRestrictions()
        let x = r.restriction
        try await mapDuplicate {
            try await db.raw("""
                INSERT INTO restrictions (category, scope, value, code, state, created_at, updated_at)
                VALUES (\(bind: x.category), \(bind: x.scope), \(bind: x.value), \(bind: x.code), \(bind: r.state),
                        \(bind: r.createdAt), \(bind: r.updatedAt))
                """).run()
        }
    }

    func updateRestrictionRecord(_ r: RestrictionRecord) async throws {
        changes.touchRestrictions()
        let x = r.restriction
        try await mapDuplicate {
            try await db.raw("""
                UPDATE restrictions SET category = \(bind: x.category), scope = \(bind: x.scope), value = \(bind: x.value),
                    code = \(bind: x.code), state = \(bind: r.state), updated_at = \(bind: r.updatedAt)
                WHERE id = \(bind: r.id)
                """).run()
        }
    }

    func deleteRestriction(id: Int64) async throws {
        changes.touchRestrictions()
        try await db.raw("DELETE FROM restrictions WHERE id = \(bind: id)\(unsafeRaw: rowLock)").run()
    }

    static func restrictionRecord(from row: any SQLRow) throws -> RestrictionRecord {
        RestrictionRecord(
            id: try row.int64("id"),
            restriction: Restriction(category: try row.string("category"), scope: try row.string("scope"),
                                     value: try row.string("value"), code: try row.decode(column: "code", as: Int.self)),
            state: try row.string("state"), createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
    }
}
