import PortcullisCore
import SQLKit

extension SQLTransaction {
    func enabledRestrictions() async throws -> [Restriction] {
        try await db.raw("SELECT category, scope, value, code FROM restrictions WHERE state = 'enabled' ORDER BY id").all().map { row in
            Restriction(category: try row.string("category"), scope: try row.string("scope"), value: try row.string("value"),
                        code: try row.decode(column: "code", as: Int.self))
        }
    }

    func insertRestriction(_ r: Restriction, now: Int64) async throws {
        changes.touchRestrictions()
        try await mapDuplicate {
            try await db.raw("""
                INSERT INTO restrictions (category, scope, value, code, state, created_at, updated_at)
                VALUES (\(bind: r.category), \(bind: r.scope), \(bind: r.value), \(bind: r.code), 'enabled', \(bind: now), \(bind: now))
                """).run()
        }
    }
}
