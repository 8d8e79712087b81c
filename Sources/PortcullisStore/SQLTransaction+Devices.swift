import PortcullisCore
import SQLKit

/// The devices users signed in from.
extension SQLTransaction {
    func isKnownDevice(userID: Int64, idHash: String) async throws -> Bool {
        try await db.raw("SELECT 1 AS known FROM devices WHERE user_id = \(bind: userID) AND id_hash = \(bind: idHash)")
            .first() != nil
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
