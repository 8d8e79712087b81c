/// `POST identity/users/access`: a whitelink token, placed by
/// an admin tool (`portcullis whitelink create`), whitelists the caller's
/// IP. Tokens are single-use (deliberate difference) and stored hashed.
public struct WhitelistAccessService: Sendable {
    let store: any Store
    let restrictions: RestrictionGuard
    let clock: any ServerClock

    public init(store: any Store, restrictions: RestrictionGuard, clock: any ServerClock) {
        self.store = store; self.restrictions = restrictions; self.clock = clock
    }

    /// A new token valid for `ttl` seconds (the admin side); only its hash is stored.
    public func issueToken(ttl: Int64, token: String = SecureRandom.urlSafeToken(bytes: 24)) async throws -> Secret {
        let now = clock.now()
        _ = try await store.write { tx in
            try await tx.markTokenUsed(hash: sha256Hex(token), kind: "whitelink", userID: nil, expireAt: now + ttl, now: now)
        }
        return Secret(token)
    }

    public func access(token: String, ip: String) async throws {
        let now = clock.now()
        let hash = sha256Hex(token)
        do {
            try await store.write { tx in
                guard try await tx.consumeToken(hash: hash, kind: "whitelink", now: now) else {
                    throw APIError(.unprocessable, ErrorKey.Identity.accessInvalidToken)
                }
                let code = Restriction.defaultCode(category: "whitelist", scope: "ip")
                try await tx.insertRestriction(Restriction(category: "whitelist", scope: "ip", value: ip, code: code), now: now)
            }
        } catch is DuplicateRecord {
            throw APIError(.unprocessable, ErrorKey.Admin.valueTaken)
        }
        restrictions.invalidate()
    }
}
