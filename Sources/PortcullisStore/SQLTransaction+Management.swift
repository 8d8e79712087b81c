import PortcullisCore
import SQLKit

/// The management API's service account and phone queries.
extension SQLTransaction {
    func serviceAccount(email: String) async throws -> ServiceAccount? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.serviceAccountColumns) FROM service_accounts WHERE lower(email) = lower(\(bind: email))
            """).first().map(Self.serviceAccount)
    }

    func serviceAccounts(ownerID: Int64?, page: PageRequest) async throws -> (rows: [ServiceAccount], total: Int) {
        let condition: SQLQueryString = ownerID.map { "owner_id = \(bind: $0)" } ?? "1 = 1"
        let total = try await db.raw("SELECT COUNT(*) AS n FROM service_accounts WHERE \(condition)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.serviceAccountColumns) FROM service_accounts WHERE \(condition) ORDER BY id
            LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
            """).all().map(Self.serviceAccount)
        return (rows, total)
    }

    func deletePhone(id: Int64, userID: Int64) async throws {
        changes.touch(userID: userID)
        try await db.raw("DELETE FROM phones WHERE id = \(bind: id) AND user_id = \(bind: userID)").run()
    }
}

extension SQLTransaction {
    func importUser(_ r: ImportRow) async throws -> Int64? {
        let row = try await db.raw("""
            INSERT INTO users (uid, email, username, password_digest, role, state, level, otp, referral_id, data, created_at, updated_at)
            VALUES (\(bind: r.uid), \(bind: r.email), NULL, \(bind: r.passwordDigest), \(bind: r.role), \(bind: r.state.rawValue),
                    \(bind: r.level), 0, NULL, \(bind: r.data), \(bind: r.createdAt), \(bind: r.createdAt))
            ON CONFLICT DO NOTHING RETURNING id
            """).first()
        let id = try row?.int64("id")
        if let id { changes.touch(userID: id) }
        return id
    }

    /// One statement for the whole batch: a VALUES list of (uid, referrer uid).
    func linkReferrals(_ links: [(uid: String, referralUID: String)]) async throws {
        guard !links.isEmpty else { return }
        var values = SQLQueryString("")
        for (index, link) in links.enumerated() {
            values.appendInterpolation(SQLQueryString("\(unsafeRaw: index == 0 ? "" : ", ")(\(bind: link.uid), \(bind: link.referralUID))"))
        }
        try await db.raw("""
            WITH links(uid, ref) AS (VALUES \(values))
            UPDATE users SET referral_id = (SELECT r.id FROM links l JOIN users r ON r.uid = l.ref WHERE l.uid = users.uid)
            WHERE referral_id IS NULL AND uid IN (SELECT uid FROM links)
            """).run()
    }
}
