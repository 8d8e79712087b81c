/// `resource/oidc/grants` (oidc.md §O3): the clients a user approved, and
/// withdrawing an approval, which also ends every token that client holds
/// for the user.
public struct OIDCGrantService: Sendable {
    let store: any Store
    let events: EventWriter
    let clock: any ServerClock

    public init(store: any Store, events: EventWriter, clock: any ServerClock) {
        self.store = store; self.events = events; self.clock = clock
    }

    public func list(for user: User) async throws -> [OIDCGrant] {
        try await store.read { tx in try await tx.oidcGrants(userID: user.id) }
    }

    /// 404 `resource.oidc_grant.doesnt_exist` when the user approved no such client.
    public func revoke(_ clientID: String, of user: User, client: ClientInfo) async throws {
        let (now, events) = (clock.now(), self.events)
        try await store.write { tx in
            guard try await tx.deleteOIDCGrant(userID: user.id, clientID: clientID) else {
                throw APIError(.notFound, "resource.oidc_grant.doesnt_exist")
            }
            try await tx.revokeOIDCFamilies(userID: user.id, clientID: clientID, now: now)
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "oidc", action: "grant revoke",
                                                    result: "succeed", data: ActivityData.reason(clientID), now: now))
            try await events.emit(EventName.oidcGrantRevoked, user: user, extra: ["client_id": clientID], withDomain: false,
                                  in: tx, now: now)
        }
    }
}
