import PortcullisCore
import SQLKit

/// The admin API's user lists and label reads/writes.
extension SQLTransaction {
    static let qualifiedUserColumns = userColumns.split(separator: ",")
        .map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    func users(_ f: UserFilter) async throws -> (rows: [User], total: Int) {
        var condition = SQLQueryString("1 = 1")
        func and(_ part: SQLQueryString) { condition.appendInterpolation(SQLQueryString(" AND ")); condition.appendInterpolation(part) }
        if let uid = f.uid { and("u.uid = \(bind: uid)") }
        if let email = f.email { and("u.email = \(bind: email)") }
        if let username = f.username { and("u.username = \(bind: username)") }
        if let role = f.role { and("u.role = \(bind: role)") }
        if let level = f.level { and("u.level = \(bind: level)") }
        if let state = f.state { and("u.state = \(bind: state)") }
        if let country = f.country {
            and("EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = u.id AND p.country = \(bind: country))")
        }
        window(f.window, alias: "u", and)
        var from = SQLQueryString("users u")
        var order = "u.\(UserFilter.sortableColumns.contains(f.orderBy) ? f.orderBy : "id") \(f.ascending ? "ASC" : "DESC"), u.id"
        if f.pendingDocuments {
            from.appendInterpolation(SQLQueryString("""
                 JOIN labels l ON l.user_id = u.id AND l.key = 'document' AND l.scope = 'private'
                 AND l.value IN ('pending', 'replaced')
                """))
            order = "l.updated_at ASC, u.id"
        } else if f.submittedProfiles {
            from.appendInterpolation(SQLQueryString("""
                 JOIN labels l ON l.user_id = u.id AND l.key = 'profile' AND l.scope = 'private' AND l.value = 'submitted'
                """))
            order = "l.updated_at ASC, u.id"
        }
        return try await page(of: from, where: condition, order: order, page: f.page)
    }

    func users(withLabel f: LabelFilter, page request: PageRequest) async throws -> (rows: [User], total: Int) {
        var label = SQLQueryString("l.user_id = u.id AND l.key = \(bind: f.key)")
        func and(_ part: SQLQueryString) { label.appendInterpolation(SQLQueryString(" AND ")); label.appendInterpolation(part) }
        if let value = f.value { and("l.value = \(bind: value)") }
        if let scope = f.scope { and("l.scope = \(bind: scope)") }
        window(f.window, alias: "l", and)
        return try await page(of: "users u", where: "EXISTS (SELECT 1 FROM labels l WHERE \(label))", order: "u.id", page: request)
    }

    /// One page of users and the total that match.
    private func page(of from: SQLQueryString, where condition: SQLQueryString, order: String,
                      page: PageRequest) async throws -> (rows: [User], total: Int) {
        let total = try await db.raw("SELECT COUNT(*) AS n FROM \(from) WHERE \(condition)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        guard total > page.offset else { return ([], total) }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.qualifiedUserColumns) FROM \(from) WHERE \(condition)
            ORDER BY \(unsafeRaw: order) LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
            """).all().map(Self.user)
        return (rows, total)
    }

    /// Adds the inclusive bounds of `window` on `<alias>.<column>`.
    func window(_ window: TimeWindow, alias: String, _ and: (SQLQueryString) -> Void) {
        let column = "\(alias).\(window.column == "updated_at" ? "updated_at" : "created_at")"
        if let from = window.from { and("\(unsafeRaw: column) >= \(bind: from)") }
        if let to = window.to { and("\(unsafeRaw: column) <= \(bind: to)") }
    }

    func privateLabelCounts() async throws -> [(key: String, value: String, count: Int)] {
        try await db.raw("""
            SELECT key, value, COUNT(*) AS n FROM labels WHERE scope = 'private' GROUP BY key, value ORDER BY key, value
            """).all().map { row in
            (try row.string("key"), try row.string("value"), try row.decode(column: "n", as: Int.self))
        }
    }

    func countPrivateLabels(key: String, value: String) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM labels WHERE scope = 'private' AND key = \(bind: key) AND value = \(bind: value)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func adminLabels(userID: Int64) async throws -> [AdminLabel] {
        try await db.raw("""
            SELECT id, key, value, scope, description, created_at, updated_at FROM labels WHERE user_id = \(bind: userID) ORDER BY id
            """).all().map { row in
            var label = AdminLabel(key: try row.string("key"), value: try row.string("value"), scope: try row.string("scope"),
                                   description: try row.optionalString("description"),
                                   createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
            label.id = try row.int64("id")
            return label
        }
    }

    func saveLabel(userID: Int64, key: String, value: String, scope: String, description: String?,
                   clearDescription: Bool, now: Int64) async throws {
        changes.touch(userID: userID)
        let keepDescription = description == nil && !clearDescription
        try await db.raw("""
            INSERT INTO labels (user_id, key, value, scope, description, created_at, updated_at)
            VALUES (\(bind: userID), \(bind: key), \(bind: value), \(bind: scope), \(bind: description), \(bind: now), \(bind: now))
            ON CONFLICT (user_id, key, scope) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                description = \(unsafeRaw: keepDescription ? "labels.description" : "excluded.description")
            """).run()
    }

    func deleteDataStorage(userID: Int64, title: String) async throws -> Bool {
        changes.touch(userID: userID)
        let rows = try await db.raw("""
            DELETE FROM data_storages WHERE user_id = \(bind: userID) AND lower(title) = lower(\(bind: title)) RETURNING id
            """).all()
        return !rows.isEmpty
    }

    func updateServiceAccount(_ a: ServiceAccount) async throws {
        try await db.raw("""
            UPDATE service_accounts SET owner_id = \(bind: a.ownerID), email = \(bind: a.email), role = \(bind: a.role),
                level = \(bind: a.level), state = \(bind: a.state), updated_at = \(bind: a.updatedAt)
            WHERE id = \(bind: a.id)
            """).run()
    }

    func deleteAllSessions() async throws {
        changes.touchEverything()
        try await db.raw("DELETE FROM sessions").run()
    }
}
