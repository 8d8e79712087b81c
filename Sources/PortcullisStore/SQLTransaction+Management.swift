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
