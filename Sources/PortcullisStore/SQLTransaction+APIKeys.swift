import Foundation
import PortcullisCore
import SQLKit

extension SQLTransaction {
    static let apiKeyColumns = "id, key_holder_type, key_holder_id, kid, algorithm, scope, state, secret_encrypted, created_at, updated_at"

    func insertAPIKey(_ key: APIKey) async throws -> APIKey {
        let row = try await db.raw("""
            INSERT INTO api_keys (key_holder_type, key_holder_id, kid, algorithm, scope, state, secret_encrypted, created_at, updated_at)
            VALUES (\(bind: key.holderType), \(bind: key.holderID), \(bind: key.kid), \(bind: key.algorithm),
                    \(bind: key.scope.joined(separator: ",")), \(bind: key.state), \(bind: key.sealedSecret),
                    \(bind: key.createdAt), \(bind: key.updatedAt))
            RETURNING \(unsafeRaw: Self.apiKeyColumns)
            """).first()
        guard let row else { throw DuplicateRecord(field: "kid") }
        return try Self.apiKey(from: row)
    }

    /// `page.orderBy` is checked against `APIKeyPage.sortableColumns` by the caller; it is still whitelisted here.
    func apiKeys(holderType: String, holderID: Int64, page: APIKeyPage) async throws -> (rows: [APIKey], total: Int) {
        let column = APIKeyPage.sortableColumns.contains(page.orderBy) ? page.orderBy : "id"
        let direction = page.ascending ? "ASC" : "DESC"
        let total = try await db.raw("""
            SELECT COUNT(*) AS n FROM api_keys WHERE key_holder_type = \(bind: holderType) AND key_holder_id = \(bind: holderID)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.apiKeyColumns) FROM api_keys
            WHERE key_holder_type = \(bind: holderType) AND key_holder_id = \(bind: holderID)
            ORDER BY \(unsafeRaw: column) \(unsafeRaw: direction), id \(unsafeRaw: direction)
            LIMIT \(bind: page.limit) OFFSET \(bind: PageRequest.offset(page: page.page, limit: page.limit))
            """).all().map(Self.apiKey)
        return (rows, total)
    }

    func apiKey(kid: String) async throws -> APIKey? {
        try await db.raw("SELECT \(unsafeRaw: Self.apiKeyColumns) FROM api_keys WHERE kid = \(bind: kid)\(unsafeRaw: rowLock)").first().map(Self.apiKey)
    }

    func updateAPIKey(_ key: APIKey) async throws {
        changes.touch(apiKeyID: key.kid)
        try await db.raw("""
            UPDATE api_keys SET scope = \(bind: key.scope.joined(separator: ",")), state = \(bind: key.state),
                updated_at = \(bind: key.updatedAt) WHERE id = \(bind: key.id)
            """).run()
    }

    func deleteAPIKey(id: Int64) async throws {
        if let kid = try await db.raw("SELECT kid FROM api_keys WHERE id = \(bind: id)").first()?.string("kid") {
            changes.touch(apiKeyID: kid)
        }
        try await db.raw("DELETE FROM api_keys WHERE id = \(bind: id)").run()
    }

    func disableAPIKeys(holderType: String, holderID: Int64, now: Int64) async throws {
        let kids = try await db.raw("""
            SELECT kid FROM api_keys WHERE key_holder_type = \(bind: holderType) AND key_holder_id = \(bind: holderID)
            """).all().map { try $0.string("kid") }
        for kid in kids { changes.touch(apiKeyID: kid) }
        try await db.raw("""
            UPDATE api_keys SET state = 'disabled', updated_at = \(bind: now)
            WHERE key_holder_type = \(bind: holderType) AND key_holder_id = \(bind: holderID) AND state = 'active'
            """).run()
    }

    static func apiKey(from row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.int64("id"), holderType: try row.string("key_holder_type"), holderID: try row.int64("key_holder_id"),
            kid: try row.string("kid"), algorithm: try row.string("algorithm"),
            scope: try row.string("scope").split(separator: ",").map(String.init), state: try row.string("state"),
            sealedSecret: try row.string("secret_encrypted"), createdAt: try row.int64("created_at"),
            updatedAt: try row.int64("updated_at")
        )
    }

    // MARK: service accounts

    static let serviceAccountColumns = "id, uid, owner_id, email, role, level, state, created_at, updated_at"

    func serviceAccounts(ownerID: Int64) async throws -> [ServiceAccount] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.serviceAccountColumns) FROM service_accounts WHERE owner_id = \(bind: ownerID) ORDER BY id\(unsafeRaw: rowLock)
            """).all().map(Self.serviceAccount)
    }

    func serviceAccount(uid: String) async throws -> ServiceAccount? {
        try await db.raw("SELECT \(unsafeRaw: Self.serviceAccountColumns) FROM service_accounts WHERE uid = \(bind: uid)\(unsafeRaw: rowLock)")
            .first().map(Self.serviceAccount)
    }

    func serviceAccount(id: Int64) async throws -> ServiceAccount? {
        try await db.raw("SELECT \(unsafeRaw: Self.serviceAccountColumns) FROM service_accounts WHERE id = \(bind: id)\(unsafeRaw: rowLock)")
            .first().map(Self.serviceAccount)
    }

    func insertServiceAccount(_ a: ServiceAccount) async throws -> ServiceAccount {
        let row = try await db.raw("""
            INSERT INTO service_accounts (uid, owner_id, email, role, level, state, created_at, updated_at)
            VALUES (\(bind: a.uid), \(bind: a.ownerID), \(bind: a.email), \(bind: a.role), \(bind: a.level),
                    \(bind: a.state), \(bind: a.createdAt), \(bind: a.updatedAt))
            RETURNING \(unsafeRaw: Self.serviceAccountColumns)
            """).first()
        guard let row else { throw DuplicateRecord(field: "email") }
        return try Self.serviceAccount(from: row)
    }

    static func serviceAccount(from row: any SQLRow) throws -> ServiceAccount {
        ServiceAccount(
            id: try row.int64("id"), uid: try row.string("uid"), ownerID: try row.optionalInt64("owner_id"), email: try row.string("email"),
            role: try row.string("role"), level: try row.decode(column: "level", as: Int.self),
            state: try row.string("state"),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
    }
}
