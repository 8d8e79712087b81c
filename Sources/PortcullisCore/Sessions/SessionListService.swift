/// The sessions a user (or an operator, for a
/// user) can see and end. Ending one deletes its row in a transaction that
/// names its hash, so every instance's cache drops it on commit (the
/// invalidation logout uses) and the next request with its cookie is refused.
public struct SessionListService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) {
        self.store = store; self.clock = clock
    }

    /// Who ends a session: the user themself, or an operator acting on them.
    public enum Actor: Sendable {
        case user(ClientInfo)
        case admin(User, ClientInfo)
    }

    /// The user's live sessions, newest first.
    public func list(for user: User) async throws -> [SessionRecord] {
        let now = clock.now()
        return try await store.read { tx in try await tx.sessions(userID: user.id, now: now) }
    }

    /// An operator's view of a user's sessions (recorded as an admin activity).
    public func list(uid: String, admin: User, client: ClientInfo) async throws -> [SessionRecord] {
        let now = clock.now()
        return try await store.write { tx in
            let target = try await AdminUserService.target(uid, in: tx)
            try await tx.insertActivity(Self.adminActivity(admin, on: target, action: "read", session: nil, client: client, now: now))
            return try await tx.sessions(userID: target.id, now: now)
        }
    }

    /// Ends one session of `user` by its public id; 404 when it is not theirs.
    public func end(_ publicID: String, of user: User, by actor: Actor) async throws {
        let now = clock.now()
        try await store.write { tx in
            guard !publicID.isEmpty, let session = try await tx.session(userID: user.id, publicID: publicID) else {
                throw APIError(.notFound, ErrorKey.Session.doesntExist)
            }
            try await tx.deleteSession(idHash: session.idHash)
            try await tx.insertActivity(Self.activity(actor, on: user, action: "delete", session: publicID, now: now))
        }
    }

    /// Ends every session of `user` except `keeping` (the caller's own); how many ended.
    public func endAll(of user: User, keeping idHash: String?, by actor: Actor) async throws -> Int {
        let now = clock.now()
        return try await store.write { tx in
            let ended = try await tx.deleteSessions(userID: user.id, keeping: idHash, now: now)
            try await tx.insertActivity(Self.activity(actor, on: user, action: "delete", session: nil, now: now))
            return ended
        }
    }

    /// The user an operator names, or 404 `admin.user.doesnt_exist`.
    public func target(uid: String) async throws -> User {
        try await store.read { tx in try await AdminUserService.target(uid, in: tx) }
    }

    private static func activity(_ actor: Actor, on user: User, action: String, session: String?, now: Int64) -> NewActivity {
        switch actor {
        case .user(let client):
            NewActivity(userID: user.id, client: client, topic: "session", action: session == nil ? "end_others" : "end",
                        result: "succeed", data: session.map { ActivityData.fields(["session_id": $0]) }, now: now)
        case .admin(let admin, let client):
            adminActivity(admin, on: user, action: action, session: session, client: client, now: now)
        }
    }

    private static func adminActivity(_ admin: User, on user: User, action: String, session: String?,
                                      client: ClientInfo, now: Int64) -> NewActivity {
        NewActivity(userID: admin.id, category: "admin", client: client, topic: "sessions", action: action, result: "succeed",
                    data: session.map { ActivityData.fields(["session_id": $0]) }, targetUID: user.uid, now: now)
    }
}
