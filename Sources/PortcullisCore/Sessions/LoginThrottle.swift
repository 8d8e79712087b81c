/// account-security.md §B: password and OTP guessing slowed per account and
/// per client address, in the database so it holds across instances.
///
/// - Account (`login_throttle_account` attempts, default 5): every attempt
///   on an email (known or not — the key is its hash) is counted *before*
///   bcrypt runs, so parallel guesses cannot slip past; from the limit on,
///   each attempt makes the next one wait 1 s, 2 s, 4 s … 60 s. A sign-in
///   clears it. Attempts restart after 15 minutes without one.
/// - Address (`login_throttle_ip` failures, default 50): failed sign-ins of
///   every account from one address, counted after the check fails; from
///   the limit on, the same increasing waits for every account from it.
/// While either waits the answer is 429 `identity.session.too_many_attempts`
/// with `Retry-After`, and no password is checked. Never a lockout: the
/// longest wait is a minute. 0 turns a limit off.
public struct LoginThrottle: Sendable {
    let store: any Store
    let clock: any Clock
    let accountLimit: Int
    let ipLimit: Int
    static let window: Int64 = 15 * 60
    static let longestWaitMS: Int64 = 60_000

    public init(store: any Store, clock: any Clock, accountLimit: Int, ipLimit: Int) {
        self.store = store; self.clock = clock; self.accountLimit = accountLimit; self.ipLimit = ipLimit
    }

    /// Counts this attempt, or refuses it while the account or the address waits.
    public func admit(email: String, ip: String) async throws {
        guard accountLimit > 0 || ipLimit > 0 else { return }
        let (now, nowMS) = (clock.now(), clock.nowMilliseconds())
        let (accountKey, ipKey, accountLimit, ipLimit) = (Self.accountKey(email), Self.ipKey(ip), self.accountLimit, self.ipLimit)
        let waitUntil: Int64? = try await store.write { tx in
            if ipLimit > 0, let until = try await tx.attemptsWait(key: ipKey), until > nowMS { return until }
            guard accountLimit > 0 else { return nil }
            guard let attempts = try await tx.countAttempt(key: accountKey, window: Self.window, now: now, nowMS: nowMS) else {
                return try await tx.attemptsWait(key: accountKey) ?? nowMS
            }
            if attempts >= accountLimit {
                try await tx.holdAttempts(key: accountKey, untilMS: nowMS + Self.wait(over: attempts - accountLimit))
            }
            return nil
        }
        if let waitUntil { throw Self.refusal(waitUntilMS: waitUntil, nowMS: nowMS) }
    }

    /// A wrong password or code: the address's failure, in the caller's transaction.
    public func failed(ip: String, in tx: any StoreTransaction) async throws {
        guard ipLimit > 0 else { return }
        let (now, nowMS, key) = (clock.now(), clock.nowMilliseconds(), Self.ipKey(ip))
        guard let failures = try await tx.countAttempt(key: key, window: Self.window, now: now, nowMS: nowMS),
              failures >= ipLimit else { return }
        try await tx.holdAttempts(key: key, untilMS: nowMS + Self.wait(over: failures - ipLimit))
    }

    /// A sign-in: the account starts afresh (the address does not).
    public func succeeded(email: String, in tx: any StoreTransaction) async throws {
        guard accountLimit > 0 else { return }
        try await tx.clearAttempts(key: Self.accountKey(email))
    }

    /// 1 s at the limit, doubling with each attempt past it, at most a minute.
    static func wait(over excess: Int) -> Int64 {
        min(longestWaitMS, Int64(1_000) << Int64(min(max(excess, 0), 6)))
    }

    static func refusal(waitUntilMS: Int64, nowMS: Int64) -> APIError {
        let seconds = max(1, (waitUntilMS - nowMS + 999) / 1_000)
        return APIError(.tooManyRequests, keys: [ErrorKey.Session.tooManyAttempts], retryAfter: Int(min(seconds, 60)))
    }

    static func accountKey(_ email: String) -> String { "account:" + sha256Hex(email) }
    static func ipKey(_ ip: String) -> String { "ip:" + ip }
}
