/// account-security.md §B: password and OTP guessing slowed, in the
/// database so it holds across instances, without ever locking the owner out.
///
/// - A device that has signed in to the account before (its device cookie,
///   takeover.md §D) is counted on its own: `login_throttle_account`
///   attempts (default 5), each counted *before* the password is checked,
///   then waits of 1 s, 2 s, 4 s … 60 s. Nobody else's failures make it wait.
/// - Any other attempt is counted per (account, address) the same way, and
///   waits while its address is over `login_throttle_ip` failures (default
///   50, every account) or the account is over ten times
///   `login_throttle_account` checked failures from unknown devices (50 by
///   default: guesses spread over many addresses). Attempts answered 429 are
///   not checked and do not count.
/// A sign-in clears the account's counters (the address's stay). While a
/// wait runs the answer is 429 `identity.session.too_many_attempts` with
/// `Retry-After`, and no password is checked. The longest wait is a minute.
/// 0 turns a limit off (the account limit turns off the account-wide one too).
public struct LoginThrottle: Sendable {
    let store: any Store
    let clock: any Clock
    let accountLimit: Int
    let ipLimit: Int
    static let window: Int64 = 15 * 60
    static let longestWaitMS: Int64 = 60_000
    /// Checked failures from unknown devices, per account, per the account limit.
    static let accountWideFactor = 10

    public init(store: any Store, clock: any Clock, accountLimit: Int, ipLimit: Int) {
        self.store = store; self.clock = clock; self.accountLimit = accountLimit; self.ipLimit = ipLimit
    }

    /// Who is trying: the account (its normalized email), the address, and
    /// whether the device is the account's. No client: a server-to-server
    /// call (management `otp/sign`), counted on the account alone — its
    /// address is the back-end's, shared by every user.
    public struct Attempt: Sendable {
        public let email: String
        public let ip: String?
        public let deviceHash: String?
        public let knownDevice: Bool

        public init(email: String, client: ClientInfo?, knownDevice: Bool) {
            self.email = email; ip = client?.ip; deviceHash = client?.deviceHash
            self.knownDevice = knownDevice && deviceHash != nil
        }
    }

    /// The attempt of a signed-in (or server-named) user: its device looked up.
    public func attempt(for user: User, client: ClientInfo?) async throws -> Attempt {
        Attempt(email: user.email, client: client, knownDevice: try await isKnown(client?.deviceHash, userID: user.id))
    }

    /// Whether the device has signed in to this user's account before.
    /// An unknown email is looked up too (as user 0, which no row has): the
    /// same read either way, so timing tells nothing.
    public func isKnown(_ deviceHash: String?, userID: Int64?) async throws -> Bool {
        guard let deviceHash else { return false }
        return try await store.read { tx in try await tx.isKnownDevice(userID: userID ?? 0, idHash: deviceHash) }
    }

    /// The rule for every password or code check outside the login form
    /// itself: admitted first (429 while it waits, nothing checked), then
    /// checked; a wrong answer counted, a right one clears this attempt's own
    /// count (so a user's own confirmations never add up to a wait).
    public func checked(_ attempt: Attempt, _ check: () async throws -> Bool) async throws -> Bool {
        guard accountLimit > 0 || ipLimit > 0 else { return try await check() }
        try await admit(attempt)
        let passed = try await check()
        try await store.write { tx in
            if passed { try await tx.clearAttempts(key: Self.ownKey(attempt)) } else { try await failed(attempt, in: tx) }
        }
        return passed
    }

    var accountWideLimit: Int { accountLimit.multipliedReportingOverflow(by: Self.accountWideFactor).partialValue }

    /// Counts this attempt, or refuses it while it must wait.
    public func admit(_ attempt: Attempt) async throws {
        guard accountLimit > 0 || ipLimit > 0 else { return }
        let (now, nowMS) = (clock.now(), clock.nowMilliseconds())
        let (accountLimit, ipLimit) = (self.accountLimit, self.ipLimit)
        let waitUntil: Int64? = try await store.write { tx in
            if !attempt.knownDevice {
                if ipLimit > 0, let ip = attempt.ip, let until = try await tx.attemptsWait(key: Self.ipKey(ip)), until > nowMS {
                    return until
                }
                if accountLimit > 0, let until = try await tx.attemptsWait(key: Self.accountKey(attempt.email)), until > nowMS {
                    return until
                }
            }
            guard accountLimit > 0 else { return nil }
            let key = Self.ownKey(attempt)
            guard let attempts = try await tx.countAttempt(key: key, window: Self.window, now: now, nowMS: nowMS) else {
                return try await tx.attemptsWait(key: key) ?? nowMS
            }
            if attempts >= accountLimit {
                try await tx.holdAttempts(key: key, untilMS: nowMS + Self.wait(over: attempts - accountLimit))
            }
            return nil
        }
        if let waitUntil { throw Self.refusal(waitUntilMS: waitUntil, nowMS: nowMS) }
    }

    /// A wrong password or code, in the caller's transaction: the address's
    /// and the account's failure, unless the device is the account's own.
    public func failed(_ attempt: Attempt, in tx: any StoreTransaction) async throws {
        guard !attempt.knownDevice else { return }
        let (now, nowMS) = (clock.now(), clock.nowMilliseconds())
        let counters = [(attempt.ip.map(Self.ipKey), ipLimit), (Self.accountKey(attempt.email), accountWideLimit)]
        for case let (key?, limit) in counters where limit > 0 {
            guard let failures = try await tx.countAttempt(key: key, window: Self.window, now: now, nowMS: nowMS),
                  failures >= limit else { continue }
            try await tx.holdAttempts(key: key, untilMS: nowMS + Self.wait(over: failures - limit))
        }
    }

    /// A sign-in: the account's counters start afresh (the address's do not).
    public func succeeded(email: String, in tx: any StoreTransaction) async throws {
        guard accountLimit > 0 else { return }
        try await tx.clearAttempts(key: Self.accountKey(email))
        try await tx.clearAttempts(keyPrefix: Self.accountKey(email) + ":")
    }

    /// 1 s at the limit, doubling with each attempt past it, at most a minute.
    static func wait(over excess: Int) -> Int64 {
        min(longestWaitMS, Int64(1_000) << Int64(min(max(excess, 0), 6)))
    }

    static func refusal(waitUntilMS: Int64, nowMS: Int64) -> APIError {
        let seconds = max(1, (waitUntilMS - nowMS + 999) / 1_000)
        return APIError(.tooManyRequests, keys: [ErrorKey.Session.tooManyAttempts], retryAfter: Int(min(seconds, 60)))
    }

    /// The account-wide failures; the per-device and per-address attempt keys extend it.
    static func accountKey(_ email: String) -> String { "account:" + sha256Hex(email) }
    static func ipKey(_ ip: String) -> String { "ip:" + ip }

    /// The key this attempt is counted on: its device's when known, else its address's for this account.
    static func ownKey(_ attempt: Attempt) -> String {
        if attempt.knownDevice, let device = attempt.deviceHash { return accountKey(attempt.email) + ":device:" + device }
        guard let ip = attempt.ip else { return accountKey(attempt.email) + ":service" }
        return accountKey(attempt.email) + ":ip:" + ip
    }
}
