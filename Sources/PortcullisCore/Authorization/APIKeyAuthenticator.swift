import Crypto
import Foundation
import Synchronization

/// HMAC-signed API-key requests. Returns the identity the key
/// speaks for; each failure throws its own status and error key.
public struct APIKeyAuthenticator: Sendable {
    let store: any Store
    let box: SecretBox
    let cache: AuthCache
    let replay: any NonceLedger
    let clock: any ServerClock
    let nonceLifetimeMS: Int64

    public init(store: any Store, box: SecretBox, cache: AuthCache, clock: any ServerClock, nonceLifetimeMS: Int) {
        self.store = store; self.box = box; self.cache = cache; self.clock = clock
        self.nonceLifetimeMS = Int64(nonceLifetimeMS)
        // One process owns an embedded database, so its memory is enough (and
        // spares a write per request); a shared database keeps them in a table.
        self.replay = store.isShared ? StoreNonceLedger(store: store) : NonceReplayGuard()
    }

    func authenticate(kid rawKid: String?, nonce rawNonce: String?, signature rawSignature: String?) async throws -> (AccessIdentity, User?) {
        guard let kid = rawKid, let nonceText = rawNonce, let signature = rawSignature,
              !kid.isEmpty, !nonceText.isEmpty, !signature.isEmpty else {
            throw APIError(.unprocessable, ErrorKey.Authz.invalidAPIKeyHeaders)
        }
        guard let nonce = Int64(nonceText), nonce > 0 else { throw APIError(.unauthorized, ErrorKey.Authz.nonceNotValidTimestamp) }
        let nowMS = clock.nowMilliseconds()
        guard abs(nowMS - nonce) < nonceLifetimeMS else { throw APIError(.unauthorized, ErrorKey.Authz.nonceExpired) }
        guard let (key, secret) = try await lookup(kid) else { throw APIError(.unauthorized, ErrorKey.Authz.unexistentAPIKey) }
        let expected = HMAC<SHA256>.authenticationCode(for: Data((nonceText + kid).utf8), using: SymmetricKey(data: Data(secret.value.utf8)))
        guard constantTimeEquals(Data(expected).hexString, signature.lowercased()) else {
            throw APIError(.unauthorized, ErrorKey.Authz.invalidSignature)
        }
        guard try await replay.accept(kid: kid, nonce: nonce, until: nowMS + nonceLifetimeMS, now: nowMS) else {
            throw APIError(.unauthorized, ErrorKey.Authz.nonceExpired)
        }
        guard key.state == "active" else { throw APIError(.unauthorized, ErrorKey.Authz.apiKeyNotActive) }
        return try await holder(of: key)
    }

    /// The identity of the key's holder: a user able to sign in with 2FA on, or a service account able to
    /// authenticate whose owner, if it has one, is such a user.
    private func holder(of key: APIKey) async throws -> (AccessIdentity, User?) {
        if key.holderType == "service_account" {
            guard let account = try await store.read({ tx in try await tx.serviceAccount(id: key.holderID) }),
                  UserState(rawValue: account.state)?.canAuthenticate == true else {
                throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
            }
            // An account the management API created without an owner answers for itself;
            // an owned one needs its owner able to log in, with 2FA on.
            var email = account.email
            if let ownerID = account.ownerID {
                guard let owner = try await user(ownerID), owner.state.canAuthenticate else {
                    throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
                }
                guard owner.otp else { throw APIError(.unauthorized, ErrorKey.Authz.disabled2FA) }
                email = owner.email
            }
            let identity = AccessIdentity(uid: account.uid, email: email, username: nil, referralID: nil,
                                          role: account.role, level: account.level, state: account.state)
            return (identity, nil)
        }
        guard let user = try await user(key.holderID), user.state.canAuthenticate else {
            throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
        }
        guard user.otp else { throw APIError(.unauthorized, ErrorKey.Authz.disabled2FA) }
        return (AccessIdentity(user: user), user)
    }

    private func user(_ id: Int64) async throws -> User? {
        if let cached = cache.user(id) { return cached }
        let generation = cache.generation()
        let user = try await store.read { tx in try await tx.user(id: id) }
        if let user { cache.store(user: user, readAt: generation) }
        return user
    }

    private func lookup(_ kid: String) async throws -> (APIKey, Secret)? {
        if let cached = cache.apiKey(kid) { return cached }
        let generation = cache.generation()
        guard let key = try await store.read({ tx in try await tx.apiKey(kid: kid) }) else { return nil }
        let secret: Secret
        do { secret = Secret(try box.open(key.sealedSecret)) } catch { throw APIError(.unauthorized, ErrorKey.Authz.unexistentAPIKey) }
        cache.store(apiKey: key, secret: secret, readAt: generation)
        return (key, secret)
    }
}

/// Remembers accepted (kid, nonce) pairs for the nonce lifetime, so a
/// signed request cannot be replayed (deliberate difference).
protocol NonceLedger: Sendable {
    /// False when the pair was already accepted and has not expired.
    func accept(kid: String, nonce: Int64, until expiry: Int64, now: Int64) async throws -> Bool
}

/// The ledger of a database several instances share. Concurrent checks are
/// coalesced: while one insert is in flight the next ones queue and go out
/// together as one multi-row insert, so a busy instance pays one round trip
/// per batch rather than per request (and an idle one no more than before).
actor StoreNonceLedger: NonceLedger {
    let store: any Store
    static let maxBatch = 500
    private var pending: [(NonceRecord, CheckedContinuation<Bool, any Error>)] = []
    private var flushing = false

    init(store: any Store) { self.store = store }

    func accept(kid: String, nonce: Int64, until expiry: Int64, now: Int64) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((NonceRecord(kid: kid, nonce: nonce, expireAt: expiry), continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maxBatch))
            pending.removeFirst(batch.count)
            let records = batch.map(\.0)
            do {
                let accepted = try await store.writeStatement { tx in try await tx.acceptNonces(records) }
                for (item, ok) in zip(batch, accepted) { item.1.resume(returning: ok) }
            } catch {
                for item in batch { item.1.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

/// The ledger of a process that owns its database, in memory. Nothing may
/// pause every API-key request (a shared table once caused p99 stalls of 80–1,700 ms), so:
/// - two generations per shard: pairs go into `current`; once a lifetime
///   has passed, `current` becomes `previous` and the old `previous` is
///   dropped whole. A pair accepted at t expires at t + lifetime and is kept
///   until at least then; nothing is ever scanned (a purge that filtered
///   every live pair used to hold the lock for the whole table);
/// - 256 shards, each with its own lock and tables: a table that grows
///   rehashes what it holds, which for one table of 1.5 million pairs took
///   440 ms in a single insert; a shard holds 1/256 of that;
/// - keys are two integers (the kid's hash and the nonce): no allocation.
final class NonceReplayGuard: NonceLedger {
    struct Key: Hashable {
        let kid: Int
        let nonce: Int64
    }

    private struct State {
        var current: [Key: Int64] = [:]
        var previous: [Key: Int64] = [:]
        /// When `current` turns into `previous`; nil before the first pair.
        var rotateAt: Int64?
    }

    private final class Shard: Sendable {
        let state = Mutex(State())
    }

    private let shards: [Shard] = (0..<256).map { _ in Shard() }

    func accept(kid: String, nonce: Int64, until expiry: Int64, now: Int64) -> Bool {
        let key = Key(kid: kid.hashValue, nonce: nonce)
        // Nonces are consecutive milliseconds: a multiplicative hash spreads them over the shards.
        let shard = shards[Int((UInt64(bitPattern: nonce) &* 0x9E37_79B9_7F4A_7C15) >> 56)]
        return shard.state.withLock { s in
            if let rotateAt = s.rotateAt, now >= rotateAt {
                // Both generations are past their lifetime once a second one has gone by.
                let stale = now >= rotateAt + (expiry - now)
                s.previous = stale ? [:] : s.current
                s.current = [:]
                // The next generation is about as large: no rehashing while it fills.
                s.current.reserveCapacity(s.previous.count)
                s.rotateAt = nil
            }
            if s.rotateAt == nil { s.rotateAt = expiry }
            if let seen = s.current[key] ?? s.previous[key], seen > now { return false }
            s.current[key] = expiry
            return true
        }
    }
}
