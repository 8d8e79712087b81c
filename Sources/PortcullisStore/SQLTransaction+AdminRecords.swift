import PortcullisCore
import SQLKit

/// The admin API's comments, profile list, activity lists and metrics.
extension SQLTransaction {
    static let commentColumns = "id, user_id, author_uid, title, data, created_at, updated_at"

    func comments(userID: Int64) async throws -> [Comment] {
        try await db.raw("SELECT \(unsafeRaw: Self.commentColumns) FROM comments WHERE user_id = \(bind: userID) ORDER BY id")
            .all().map(Self.comment)
    }

    func comment(id: Int64) async throws -> Comment? {
        try await db.raw("SELECT \(unsafeRaw: Self.commentColumns) FROM comments WHERE id = \(bind: id)\(unsafeRaw: rowLock)").first().map(Self.comment)
    }

    func insertComment(_ c: Comment) async throws {
        try await db.raw("""
            INSERT INTO comments (user_id, author_uid, title, data, created_at, updated_at)
            VALUES (\(bind: c.userID), \(bind: c.authorUID), \(bind: c.title), \(bind: c.data), \(bind: c.createdAt), \(bind: c.updatedAt))
            """).run()
    }

    func updateComment(_ c: Comment) async throws {
        try await db.raw("""
            UPDATE comments SET title = \(bind: c.title), data = \(bind: c.data), updated_at = \(bind: c.updatedAt)
            WHERE id = \(bind: c.id)
            """).run()
    }

    func deleteComment(id: Int64) async throws {
        try await db.raw("DELETE FROM comments WHERE id = \(bind: id)\(unsafeRaw: rowLock)").run()
    }

    static func comment(from row: any SQLRow) throws -> Comment {
        Comment(id: try row.int64("id"), userID: try row.int64("user_id"), authorUID: try row.string("author_uid"),
                title: try row.string("title"), data: try row.string("data"),
                createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
    }

    func allProfiles(page: PageRequest) async throws -> (rows: [Profile], total: Int) {
        let total = try await db.raw("SELECT COUNT(*) AS n FROM profiles").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.profileColumns) FROM profiles ORDER BY id LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
            """).all().map(profile)
        return (rows, total)
    }

    func adminActivities(_ f: AdminActivityFilter) async throws -> (rows: [ActivityWithActors], total: Int) {
        var condition = SQLQueryString("a.category = \(bind: f.category)")
        func and(_ part: SQLQueryString) { condition.appendInterpolation(SQLQueryString(" AND ")); condition.appendInterpolation(part) }
        if let topic = f.topic { and("a.topic = \(bind: topic)") }
        if let action = f.action { and("a.action = \(bind: action)") }
        if let uid = f.uid { and("u.uid = \(bind: uid)") }
        if let email = f.email { and("u.email = \(bind: email)") }
        if let target = f.targetUID { and("a.target_uid = \(bind: target)") }
        window(f.window, alias: "a", and)
        let from: SQLQueryString = "activities a JOIN users u ON u.id = a.user_id"
        let total = try await db.raw("SELECT COUNT(*) AS n FROM \(from) WHERE \(condition)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT a.id AS activity_id, a.target_uid, a.user_ip, a.user_ip_country, a.user_agent, a.topic, a.action, a.result,
                   a.data AS activity_data, a.created_at AS activity_created_at, \(unsafeRaw: Self.qualifiedUserColumns)
            FROM \(from) WHERE \(condition) ORDER BY a.id DESC LIMIT \(bind: f.page.limit) OFFSET \(bind: f.page.offset)
            """).all()
        var targets: [String: User] = [:]
        var result: [ActivityWithActors] = []
        for row in rows {
            let activity = Activity(
                id: try row.int64("activity_id"), userIP: try row.string("user_ip"), userIPCountry: try row.string("user_ip_country"),
                userAgent: try row.string("user_agent"), topic: try row.string("topic"), action: try row.string("action"),
                result: try row.string("result"), data: try row.optionalString("activity_data"),
                createdAt: try row.int64("activity_created_at")
            )
            var target: User?
            if f.category == "admin", let uid = try row.optionalString("target_uid") {
                if targets[uid] == nil, let found = try await user(uid: uid) { targets[uid] = found }
                target = targets[uid]
            }
            result.append(ActivityWithActors(activity: activity, user: try Self.user(from: row), target: target))
        }
        return (result, total)
    }

    func activityCountsByDay(topic: String, action: String, result: String,
                             window: TimeWindow) async throws -> [(day: Int64, count: Int)] {
        var condition = SQLQueryString("""
            a.user_id IS NOT NULL AND a.topic = \(bind: topic) AND a.action = \(bind: action) AND a.result = \(bind: result)
            """)
        func and(_ part: SQLQueryString) { condition.appendInterpolation(SQLQueryString(" AND ")); condition.appendInterpolation(part) }
        self.window(window, alias: "a", and)
        return try await db.raw("""
            SELECT a.created_at / 86400 AS day, COUNT(*) AS n FROM activities a WHERE \(condition)
            GROUP BY a.created_at / 86400 ORDER BY day
            """).all().map { row in (try row.int64("day"), try row.decode(column: "n", as: Int.self)) }
    }
}
