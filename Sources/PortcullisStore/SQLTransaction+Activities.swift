import PortcullisCore
import SQLKit

extension SQLTransaction {
    func insertActivity(_ a: NewActivity) async throws {
        try await db.raw("""
            INSERT INTO activities (user_id, target_uid, category, user_ip, user_ip_country, user_agent, topic, action, result, data, created_at)
            VALUES (\(bind: a.userID), \(bind: a.targetUID), \(bind: a.category), \(bind: a.client.ip), \(bind: a.client.country),
                    \(bind: a.client.userAgent), \(bind: a.topic), \(bind: a.action), \(bind: a.result), \(bind: a.data),
                    \(bind: a.now))
            """).run()
    }

    func activities(_ f: ActivityFilter) async throws -> (rows: [Activity], total: Int) {
        var condition = SQLQueryString("user_id = \(bind: f.userID) AND category = 'user'")
        if let topic = f.topic { condition.appendInterpolation(SQLQueryString(" AND topic = \(bind: topic)")) }
        if let from = f.timeFrom { condition.appendInterpolation(SQLQueryString(" AND created_at >= \(bind: from)")) }
        if let to = f.timeTo { condition.appendInterpolation(SQLQueryString(" AND created_at < \(bind: to)")) }
        if let result = f.result { condition.appendInterpolation(SQLQueryString(" AND result = \(bind: result)")) }
        let total = try await db.raw("SELECT COUNT(*) AS n FROM activities WHERE \(condition)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let offset = PageRequest.offset(page: f.page, limit: f.limit)
        let rows = try await db.raw("""
            SELECT id, user_ip, user_ip_country, user_agent, topic, action, result, data, created_at
            FROM activities WHERE \(condition) ORDER BY id DESC LIMIT \(bind: f.limit) OFFSET \(bind: offset)
            """).all().map { row in
            Activity(
                id: try row.int64("id"), userIP: try row.string("user_ip"), userIPCountry: try row.string("user_ip_country"),
                userAgent: try row.string("user_agent"), topic: try row.string("topic"), action: try row.string("action"),
                result: try row.string("result"), data: try row.optionalString("data"), createdAt: try row.int64("created_at")
            )
        }
        return (rows, total)
    }
}
