import PortcullisCore
import SQLKit

/// The devices users signed in from.
extension SQLTransaction {
    func isKnownDevice(userID: Int64, idHash: String) async throws -> Bool {
        try await db.raw("SELECT 1 AS known FROM devices WHERE user_id = \(bind: userID) AND id_hash = \(bind: idHash)")
            .first() != nil
    }

    func devices(userID: Int64) async throws -> [DeviceRecord] {
        try await db.raw("""
            SELECT id, user_id, id_hash, user_agent, user_ip, user_ip_country, created_at, last_seen_at FROM devices
            WHERE user_id = \(bind: userID) ORDER BY last_seen_at DESC, id DESC
            """).all().map { row in
            DeviceRecord(id: try row.int64("id"), userID: try row.int64("user_id"), idHash: try row.string("id_hash"),
                         userAgent: try row.string("user_agent"), userIP: try row.string("user_ip"),
                         country: try row.string("user_ip_country"), createdAt: try row.int64("created_at"),
                         lastSeenAt: try row.int64("last_seen_at"))
        }
    }

    func deleteDevice(userID: Int64, id: Int64) async throws -> Bool {
        try await db.raw("DELETE FROM devices WHERE user_id = \(bind: userID) AND id = \(bind: id) RETURNING id").first() != nil
    }

    func hasDevice(userID: Int64, country: String) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS seen FROM devices WHERE user_id = \(bind: userID) AND user_ip_country = \(bind: country)
            """).first() != nil
    }

    func hasSignedIn(userID: Int64) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS seen FROM activities WHERE user_id = \(bind: userID) AND category = 'user' AND topic = 'session'
            AND result = 'succeed' AND action LIKE 'login%' LIMIT 1
            """).first() != nil
    }

    func recordDevice(_ d: DeviceRecord) async throws {
        // One statement: two sign-ins from one new device at once leave one row.
        try await db.raw("""
            INSERT INTO devices (user_id, id_hash, user_agent, user_ip, user_ip_country, created_at, last_seen_at)
            VALUES (\(bind: d.userID), \(bind: d.idHash), \(bind: d.userAgent), \(bind: d.userIP), \(bind: d.country),
                    \(bind: d.createdAt), \(bind: d.lastSeenAt))
            ON CONFLICT (user_id, id_hash) DO UPDATE SET
                user_agent = excluded.user_agent, user_ip = excluded.user_ip,
                user_ip_country = excluded.user_ip_country, last_seen_at = excluded.last_seen_at
            """).run()
    }
}
