import PortcullisCore
import Foundation
import SQLKit

extension SQLTransaction {
    func insertSession(_ s: SessionRecord) async throws {
        try await db.raw("""
            INSERT INTO sessions (id_hash, user_id, csrf_token, user_ip, user_agent, expire_at, hard_expire_at, created_at,
                                  public_id, method, user_ip_country, last_seen_at, opened_at_ms)
            VALUES (\(bind: s.idHash), \(bind: s.userID), \(bind: s.csrfToken), \(bind: s.userIP), \(bind: s.userAgent),
                    \(bind: s.expireAt), \(bind: s.hardExpireAt), \(bind: s.createdAt),
                    \(bind: s.publicID), \(bind: s.method), \(bind: s.country), \(bind: s.lastSeenAt), \(bind: s.openedAtMS))
            """).run()
    }

    static let sessionColumns = """
        sessions.id_hash, sessions.user_id, sessions.csrf_token, sessions.user_ip, sessions.user_agent,
        sessions.expire_at, sessions.hard_expire_at, sessions.created_at AS session_created_at,
        sessions.public_id, sessions.method AS session_method, sessions.user_ip_country AS session_country,
        sessions.last_seen_at, sessions.opened_at_ms
        """

    func session(idHash: String) async throws -> SessionRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions WHERE id_hash = \(bind: idHash)
            """).first().map(Self.session)
    }

    func sessionWithUser(idHash: String) async throws -> (SessionRecord, User)? {
        let userColumns = Self.userColumns.split(separator: ",").map { "users." + $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ", ")
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.sessionColumns), \(unsafeRaw: userColumns)
            FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id_hash = \(bind: idHash)
            """).first().map { row in (try Self.session(from: row), try Self.user(from: row)) }
    }

    static func session(from row: any SQLRow) throws -> SessionRecord {
        SessionRecord(
            idHash: try row.string("id_hash"), userID: try row.int64("user_id"), csrfToken: try row.string("csrf_token"),
            userIP: try row.string("user_ip"), userAgent: try row.string("user_agent"),
            expireAt: try row.int64("expire_at"), hardExpireAt: try row.int64("hard_expire_at"),
            createdAt: try row.int64("session_created_at"), publicID: try row.optionalString("public_id") ?? "",
            method: try row.string("session_method"), country: try row.string("session_country"),
            lastSeenAt: try row.optionalInt64("last_seen_at"), openedAtMS: try row.int64("opened_at_ms")
        )
    }

    func renewSession(idHash: String, expireAt: Int64, seenAt: Int64) async throws {
        try await db.raw("""
            UPDATE sessions SET expire_at = \(bind: expireAt), last_seen_at = \(bind: seenAt) WHERE id_hash = \(bind: idHash)
            """).run()
    }

    func deleteSession(idHash: String) async throws {
        changes.touch(sessionHash: idHash)
        try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run()
    }

    /// Also ends the user's OpenID Connect token families: a password
    /// change, a ban, a freeze or "end all sessions" ends every app's tokens.
    @discardableResult
    func deleteSessions(userID: Int64, keeping idHash: String?, now: Int64) async throws -> Int {
        changes.touch(userID: userID)
        try await db.raw("""
            UPDATE oidc_families SET revoked_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            """).run()
        return try await db.raw("""
            DELETE FROM sessions WHERE user_id = \(bind: userID) AND id_hash != \(bind: idHash ?? "") RETURNING id_hash
            """).all().count
    }

    func sessions(userID: Int64, now: Int64) async throws -> [SessionRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions
            WHERE user_id = \(bind: userID) AND expire_at > \(bind: now) AND hard_expire_at > \(bind: now)
            ORDER BY opened_at_ms DESC, public_id
            """).all().map(Self.session)
    }

    func session(userID: Int64, publicID: String) async throws -> SessionRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions
            WHERE user_id = \(bind: userID) AND public_id = \(bind: publicID)
            """).first().map(Self.session)
    }

    func deleteExpiredSessions(now: Int64) async throws {
        try await db.raw("DELETE FROM sessions WHERE expire_at <= \(bind: now) OR hard_expire_at <= \(bind: now)").run()
    }
}
