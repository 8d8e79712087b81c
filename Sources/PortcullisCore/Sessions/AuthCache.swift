import Synchronization

/// An in-process cache of sessions and users for the hot path (every
/// cookie-authenticated request and `users/me`). Entries live at most `ttl`
/// seconds and are dropped at once when a local write commits a change to
/// them (`StoreCommitObserver`); the TTL bounds staleness from writes made
/// by another process sharing the database. `ttl` 0 disables it.
public final class AuthCache: StoreCommitObserver {
    struct Entry<Value> {
        let value: Value
        let storedAt: Int64
    }

    struct State {
        var sessions: [String: Entry<SessionRecord>] = [:]
        var sessionsByUser: [Int64: Set<String>] = [:]
        var users: [Int64: Entry<User>] = [:]
        var fullInfos: [Int64: Entry<UserFullInfo>] = [:]
        var apiKeys: [String: Entry<(APIKey, Secret)>] = [:]
        /// Bumped by every invalidation: a read that started before one
        /// must not store what it read (it may be stale).
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Shared reads for the two hot misses: a session (with its user) and `users/me`.
    let sessionReads = ReadCoalescer<String, (SessionRecord, User)?>()
    let fullInfoReads = ReadCoalescer<Int64, UserFullInfo>()
    private let ttl: Int64
    private let capacity: Int
    private let clock: any ServerClock

    public init(ttl: Int, capacity: Int = 100_000, clock: any ServerClock) {
        self.ttl = Int64(ttl)
        self.capacity = capacity
        self.clock = clock
    }

    var enabled: Bool { ttl > 0 }

    /// A cached value younger than the TTL, counted as a hit or a miss.
    private func fresh<Value>(_ entry: Entry<Value>?, now: Int64, counters: Telemetry.CacheCounters) -> Value? {
        let value = entry.flatMap { now - $0.storedAt < ttl ? $0.value : nil }
        counters.record(hit: value != nil)
        return value
    }

    func session(_ idHash: String) -> SessionRecord? {
        guard enabled else { return nil }
        let now = clock.now()
        return fresh(state.withLock { $0.sessions[idHash] }, now: now, counters: Telemetry.sessionCache)
    }

    func user(_ id: Int64) -> User? {
        guard enabled else { return nil }
        let now = clock.now()
        return fresh(state.withLock { $0.users[id] }, now: now, counters: Telemetry.userCache)
    }

    func fullInfo(_ id: Int64) -> UserFullInfo? {
        guard enabled else { return nil }
        let now = clock.now()
        return fresh(state.withLock { $0.fullInfos[id] }, now: now, counters: Telemetry.fullInfoCache)
    }

    /// The generation to pass back to `store`, taken before reading the database.
    func generation() -> UInt64 { state.withLock { $0.generation } }

    /// Runs `write` on the state unless the cache is off or an invalidation
    /// happened since `generation` was taken (the value read may be stale).
    private func put(readAt generation: UInt64, _ write: (inout State, Int64) -> Void) {
        guard enabled else { return }
        let now = clock.now()
        state.withLock { s in
            guard s.generation == generation else { return }
            makeRoom(&s)
            write(&s, now)
        }
    }

    func store(session: SessionRecord, user: User, readAt generation: UInt64) {
        put(readAt: generation) { s, now in
            s.sessions[session.idHash] = Entry(value: session, storedAt: now)
            s.sessionsByUser[user.id, default: []].insert(session.idHash)
            s.users[user.id] = Entry(value: user, storedAt: now)
        }
    }

    func store(user: User, readAt generation: UInt64) {
        put(readAt: generation) { s, now in s.users[user.id] = Entry(value: user, storedAt: now) }
    }

    func store(fullInfo: UserFullInfo, readAt generation: UInt64) {
        put(readAt: generation) { s, now in s.fullInfos[fullInfo.user.id] = Entry(value: fullInfo, storedAt: now) }
    }

    func apiKey(_ kid: String) -> (APIKey, Secret)? {
        guard enabled else { return nil }
        let now = clock.now()
        return fresh(state.withLock { $0.apiKeys[kid] }, now: now, counters: Telemetry.apiKeyCache)
    }

    func store(apiKey: APIKey, secret: Secret, readAt generation: UInt64) {
        put(readAt: generation) { s, now in s.apiKeys[apiKey.kid] = Entry(value: (apiKey, secret), storedAt: now) }
    }

    /// A renewal this process just wrote: keep the cached copy in step.
    func renewed(_ session: SessionRecord) {
        guard enabled else { return }
        state.withLock { s in
            if let entry = s.sessions[session.idHash] {
                s.sessions[session.idHash] = Entry(value: session, storedAt: entry.storedAt)
            }
        }
    }

    public func committed(_ changes: StoreChanges) {
        guard enabled, !changes.isEmpty else { return }
        state.withLock { s in
            s.generation &+= 1
            if changes.everything {
                let generation = s.generation
                s = State()
                s.generation = generation
                return
            }
            for hash in changes.sessionHashes { s.sessions[hash] = nil }
            for kid in changes.apiKeyIDs { s.apiKeys[kid] = nil }
            for id in changes.userIDs {
                s.users[id] = nil
                s.fullInfos[id] = nil
                for hash in s.sessionsByUser.removeValue(forKey: id) ?? [] { s.sessions[hash] = nil }
            }
        }
    }

    /// Bounded memory: past `capacity` entries everything is dropped (cheap,
    /// rare, and only costs a few database reads).
    private func makeRoom(_ s: inout State) {
        if s.sessions.count + s.fullInfos.count + s.apiKeys.count >= capacity {
            let generation = s.generation
            s = State()
            s.generation = generation
        }
    }
}
