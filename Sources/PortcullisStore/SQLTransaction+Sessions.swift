import PortcullisCore
import SQLKit

extension SQLTransaction {
    func insertSession(_ s: SessionRecord) async throws {
        try await db.raw("""
            INSERT INTO sessions (id_hash, user_id, csrf_token, user_ip, user_agent, expire_at, hard_expire_at, created_at)
            VALUES (\(bind: s.idHash), \(bind: s.userID), \(bind: s.csrfToken), \(bind: s.userIP), \(bind: s.userAgent),
                    \(bind: s.expireAt), \(bind: s.hardExpireAt), \(bind: s.createdAt))
            """).run()
    }

    func session(idHash: String) async throws -> SessionRecord? {
        try await db.raw("""
            SELECT id_hash, user_id, csrf_token, user_ip, user_agent, expire_at, hard_expire_at, created_at
            FROM sessions WHERE id_hash = \(bind: idHash)
            """).first().map { row in
            SessionRecord(
                idHash: try row.string("id_hash"), userID: try row.int64("user_id"), csrfToken: try row.string("csrf_token"),
                userIP: try row.string("user_ip"), userAgent: try row.string("user_agent"),
                expireAt: try row.int64("expire_at"), hardExpireAt: try row.int64("hard_expire_at"),
                createdAt: try row.int64("created_at")
            )
        }
    }

    func renewSession(idHash: String, expireAt: Int64) async throws {
        try await db.raw("UPDATE sessions SET expire_at = \(bind: expireAt) WHERE id_hash = \(bind: idHash)").run()
    }

    func deleteSession(idHash: String) async throws {
        try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run()
    }

    func deleteSessions(userID: Int64, keeping idHash: String?) async throws {
        try await db.raw("""
            DELETE FROM sessions WHERE user_id = \(bind: userID) AND id_hash != \(bind: idHash ?? "")
            """).run()
    }

    func deleteExpiredSessions(now: Int64) async throws {
        try await db.raw("DELETE FROM sessions WHERE expire_at <= \(bind: now) OR hard_expire_at <= \(bind: now)").run()
    }
}
