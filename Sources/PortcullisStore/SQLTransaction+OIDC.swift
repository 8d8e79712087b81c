import Foundation
import PortcullisCore
import SQLKit

/// Registered OpenID Connect clients. List fields are stored as JSON arrays of strings.
extension SQLTransaction {
    static let oidcClientColumns = """
        id, client_id, name, confidential, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, scopes,
        first_party, service_account_id, access_token_lifetime, refresh_token_lifetime, id_token_lifetime, created_at, updated_at,
        (SELECT uid FROM service_accounts WHERE service_accounts.id = oidc_clients.service_account_id) AS service_account_uid
        """

    func insertOIDCClient(_ c: OIDCClient) async throws -> OIDCClient {
        let row = try await db.raw("""
            INSERT INTO oidc_clients (client_id, name, confidential, secret_hash, redirect_uris, post_logout_redirect_uris,
                grant_types, scopes, first_party, service_account_id, access_token_lifetime, refresh_token_lifetime,
                id_token_lifetime, created_at, updated_at)
            VALUES (\(bind: c.clientID), \(bind: c.name), \(bind: c.confidential ? 1 : 0), \(bind: c.secretHash),
                \(bind: Self.jsonList(c.redirectURIs)), \(bind: Self.jsonList(c.postLogoutRedirectURIs)),
                \(bind: Self.jsonList(c.grantTypes)), \(bind: Self.jsonList(c.scopes)), \(bind: c.firstParty ? 1 : 0),
                \(bind: c.serviceAccountID), \(bind: c.accessTokenLifetime), \(bind: c.refreshTokenLifetime),
                \(bind: c.idTokenLifetime), \(bind: c.createdAt), \(bind: c.updatedAt))
            RETURNING id
            """).first()
        var saved = c
        saved.id = try row?.int64("id") ?? 0
        return saved
    }

    func oidcClient(clientID: String) async throws -> OIDCClient? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.oidcClientColumns) FROM oidc_clients WHERE client_id = \(bind: clientID)\(unsafeRaw: rowLock)
            """).first().map(Self.oidcClient)
    }

    func oidcClients() async throws -> [OIDCClient] {
        try await db.raw("SELECT \(unsafeRaw: Self.oidcClientColumns) FROM oidc_clients ORDER BY id DESC").all().map(Self.oidcClient)
    }

    func updateOIDCClient(_ c: OIDCClient) async throws {
        try await db.raw("""
            UPDATE oidc_clients SET name = \(bind: c.name), confidential = \(bind: c.confidential ? 1 : 0),
                secret_hash = \(bind: c.secretHash), redirect_uris = \(bind: Self.jsonList(c.redirectURIs)),
                post_logout_redirect_uris = \(bind: Self.jsonList(c.postLogoutRedirectURIs)),
                grant_types = \(bind: Self.jsonList(c.grantTypes)), scopes = \(bind: Self.jsonList(c.scopes)),
                first_party = \(bind: c.firstParty ? 1 : 0), service_account_id = \(bind: c.serviceAccountID),
                access_token_lifetime = \(bind: c.accessTokenLifetime), refresh_token_lifetime = \(bind: c.refreshTokenLifetime),
                id_token_lifetime = \(bind: c.idTokenLifetime), updated_at = \(bind: c.updatedAt)
            WHERE id = \(bind: c.id)
            """).run()
    }

    func deleteOIDCClient(clientID: String, now: Int64) async throws -> Bool {
        // Its access tokens are JWTs checked against their family: ending the families ends them too.
        try await db.raw("""
            UPDATE oidc_families SET revoked_at = \(bind: now) WHERE client_id = \(bind: clientID) AND revoked_at IS NULL
            """).run()
        return try await db.raw("DELETE FROM oidc_clients WHERE client_id = \(bind: clientID) RETURNING id").first() != nil
    }

    static func oidcClient(_ row: any SQLRow) throws -> OIDCClient {
        var client = OIDCClient(
            id: try row.int64("id"), clientID: try row.string("client_id"), name: try row.string("name"),
            confidential: try row.int64("confidential") != 0, secretHash: try row.optionalString("secret_hash"),
            redirectURIs: list(try row.string("redirect_uris")), postLogoutRedirectURIs: list(try row.string("post_logout_redirect_uris")),
            grantTypes: list(try row.string("grant_types")), scopes: list(try row.string("scopes")),
            firstParty: try row.int64("first_party") != 0, serviceAccountID: try row.optionalInt64("service_account_id"),
            accessTokenLifetime: Int(try row.int64("access_token_lifetime")),
            refreshTokenLifetime: Int(try row.int64("refresh_token_lifetime")),
            idTokenLifetime: Int(try row.int64("id_token_lifetime")),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
        client.serviceAccountUID = try row.optionalString("service_account_uid")
        return client
    }

    static func jsonList(_ values: [String]) -> String {
        (try? JSONSerialization.data(withJSONObject: values, options: [.withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func list(_ json: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String] ?? []
    }
}
