import PortcullisCore
import SQLKit

extension SQLTransaction {
    func labels(userID: Int64) async throws -> [Label] {
        try await db.raw("""
            SELECT key, value, scope, created_at, updated_at FROM labels WHERE user_id = \(bind: userID) ORDER BY id
            """).all().map { row in
            Label(key: try row.string("key"), value: try row.string("value"), scope: try row.string("scope"),
                  createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
        }
    }

    func upsertLabel(userID: Int64, key: String, value: String, scope: String, now: Int64) async throws {
        changes.touch(userID: userID)
        try await db.raw("""
            INSERT INTO labels (user_id, key, value, scope, created_at, updated_at)
            VALUES (\(bind: userID), \(bind: key), \(bind: value), \(bind: scope), \(bind: now), \(bind: now))
            ON CONFLICT (user_id, key, scope) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """).run()
    }

    func levels() async throws -> [Level] {
        try await db.raw("SELECT id, key, value FROM levels ORDER BY id").all().map { row in
            Level(id: try row.decode(column: "id", as: Int.self), key: try row.string("key"), value: try row.string("value"))
        }
    }
}

extension SQLTransaction {
    func deleteLabel(userID: Int64, key: String, scope: String) async throws {
        changes.touch(userID: userID)
        try await db.raw("""
            DELETE FROM labels WHERE user_id = \(bind: userID) AND key = \(bind: key) AND scope = \(bind: scope)
            """).run()
    }
}

extension SQLTransaction {
    func heldState(userID: Int64) async throws -> UserState? {
        try await db.raw("SELECT state FROM user_state_holds WHERE user_id = \(bind: userID)").first()
            .flatMap { UserState(rawValue: try $0.string("state")) }
    }

    func sealedAntiPhishingCode(userID: Int64) async throws -> String? {
        try await db.raw("SELECT sealed FROM anti_phishing_codes WHERE user_id = \(bind: userID)").first()?.string("sealed")
    }

    func setSealedAntiPhishingCode(userID: Int64, _ sealed: String?, now: Int64) async throws {
        guard let sealed else {
            try await db.raw("DELETE FROM anti_phishing_codes WHERE user_id = \(bind: userID)").run()
            return
        }
        try await db.raw("""
            INSERT INTO anti_phishing_codes (user_id, sealed, updated_at) VALUES (\(bind: userID), \(bind: sealed), \(bind: now))
            ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at
            """).run()
    }

    func holdState(userID: Int64, _ state: UserState?, now: Int64) async throws {
        changes.touch(userID: userID)
        guard let state else {
            try await db.raw("DELETE FROM user_state_holds WHERE user_id = \(bind: userID)").run()
            return
        }
        try await db.raw("""
            INSERT INTO user_state_holds (user_id, state, created_at) VALUES (\(bind: userID), \(bind: state.rawValue), \(bind: now))
            ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, created_at = excluded.created_at
            """).run()
    }
}
