/// Registered OpenID Connect clients (oidc.md §O2).
public protocol OIDCRepository: Sendable {
    func insertOIDCClient(_ client: OIDCClient) async throws -> OIDCClient
    /// Locked for update on PostgreSQL when read in a write transaction.
    func oidcClient(clientID: String) async throws -> OIDCClient?
    /// Every client, the newest first.
    func oidcClients() async throws -> [OIDCClient]
    func updateOIDCClient(_ client: OIDCClient) async throws
    /// Deletes the client and revokes its token families at `now`; false when no such client.
    func deleteOIDCClient(clientID: String, now: Int64) async throws -> Bool
}
