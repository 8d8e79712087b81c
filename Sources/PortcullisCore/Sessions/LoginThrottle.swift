/// Password and OTP guessing slowed, in the
/// database so it holds across instances, without ever locking the owner out.
///
/// - A device that has signed in to the account before (its device cookie)
///   is counted on its own: `login_throttle_account`
///   attempts (default 5), each counted *before* the password is checked,
///   then waits of 1 s, 2 s, 4 s … 60 s. Nobody else's failures make it wait.
/// - Any other attempt is counted per (account, address) the same way, and
///   on its address's counter over every account (`login_throttle_ip`,
///   default 50) and the account's over every address (ten times
///   `login_throttle_account`, 50 by default), each of which makes it wait
///   from its limit on. Every counter takes the attempt before anything is
///   checked, in one transaction; a right answer gives the shared places
///   back, so those two count wrong answers (and requests in flight).
///   Attempts answered 429 are checked nowhere and counted nowhere.
/// A sign-in clears its own counter and nobody else's. While a
/// wait runs the answer is 429 `identity.session.too_many_attempts` with
/// `Retry-After`, and no password is checked. The longest wait is a minute.
/// 0 turns a limit off (the account limit turns off the account-wide one too).
public struct LoginThrottle: Sendable {
    let store: any Store
    let clock: any ServerClock
    let accountLimit: Int
    let ipLimit: Int
    static let window: Int64 = 15 * 60
    static let longestWaitMS: Int64 = 60_000
    /// Checked failures from unknown devices, per account, per the account limit.
    static let accountWideFactor = 10

    public init(store: any Store, clock: any ServerClock, accountLimit: Int, ipLimit: Int) {
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
    /// checked. A wrong answer stays counted; a right one gives back its
    /// place in the address's and the account's counts and clears this
    /// attempt's own, so a user's own confirmations never add up to a wait.
    /// `halfProof`: a right answer that is only half the proof (a password
    /// before the code) gives back its own place but clears nothing, so the
    /// half that follows cannot be guessed without limit behind it.
    public func checked(_ attempt: Attempt, halfProof: Bool = false, _ check: () async throws -> Bool) async throws -> Bool {
        guard accountLimit > 0 || ipLimit > 0 else { return try await check() }
        try await admit(attempt)
        let passed = try await check()
        guard passed else { return false }
        try await store.write { tx in
            try await self.passed(attempt, clearingOwn: !halfProof, in: tx)
            if halfProof, accountLimit > 0 { try await tx.releaseAttempt(key: Self.ownKey(attempt)) }
        }
        return true
    }

    var accountWideLimit: Int { Self.accountWide(accountLimit) }

    /// Saturating: a huge `login_throttle_account` must not wrap to a negative (off) limit.
    static func accountWide(_ accountLimit: Int) -> Int {
        accountLimit > Int.max / accountWideFactor ? Int.max : accountLimit * accountWideFactor
    }

    /// The counters this attempt is held to, with their limits: its own
    /// (device, or account and address), then — for unknown devices — its
    /// address's over every account and the account's over every address.
    func counters(_ attempt: Attempt) -> [(key: String, limit: Int)] {
        var counters = [(Self.ownKey(attempt), accountLimit)]
        if !attempt.knownDevice {
            if let ip = attempt.ip { counters.append((Self.ipKey(ip), ipLimit)) }
            counters.append((Self.accountKey(attempt.email), accountWideLimit))
        }
        return counters.filter { $0.1 > 0 }
    }

    /// Counts this attempt on every counter it is held to, or refuses it
    /// while any of them waits. All in one transaction, before anything is
    /// checked, so requests in flight cannot slip past a limit: each takes
    /// its place first (a right answer gives the shared places back, see
    /// `passed`), and an attempt refused is counted nowhere.
    public func admit(_ attempt: Attempt) async throws {
        let counters = counters(attempt)
        guard !counters.isEmpty else { return }
        let (now, nowMS) = (clock.now(), clock.nowMilliseconds())
        let waitUntil: Int64? = try await store.write { tx in
            for (key, _) in counters {
                if let until = try await tx.attemptsWait(key: key), until > nowMS { return until }
            }
            for (key, limit) in counters {
                // nil: another request made it wait since the read above (PostgreSQL, READ COMMITTED).
                guard let attempts = try await tx.countAttempt(key: key, window: Self.window, now: now, nowMS: nowMS) else {
                    throw Self.refusal(waitUntilMS: try await tx.attemptsWait(key: key) ?? nowMS, nowMS: nowMS)
                }
                if attempts >= limit {
                    try await tx.holdAttempts(key: key, untilMS: nowMS + Self.wait(over: attempts - limit))
                }
            }
            return nil
        }
        if let waitUntil { throw Self.refusal(waitUntilMS: waitUntil, nowMS: nowMS) }
    }

    /// A right password or code: the address's and the account's places go
    /// back (they count wrong answers and requests in flight); with
    /// `clearingOwn` this attempt's own count starts afresh too.
    /// Rows are touched in `admit`'s order (own, address, account), so two
    /// transactions on PostgreSQL never wait on each other in a circle.
    public func passed(_ attempt: Attempt, clearingOwn: Bool, in tx: some RateLimitRepository) async throws {
        let own = Self.ownKey(attempt)
        if clearingOwn, accountLimit > 0 { try await tx.clearAttempts(key: own) }
        for (key, _) in counters(attempt) where key != own { try await tx.releaseAttempt(key: key) }
    }

    /// A sign-in: its shared places go back and its own count (its device's,
    /// or its address's for this account) starts afresh. Other addresses'
    /// counts stay: the owner signing in must not hand an attacker elsewhere
    /// a fresh set of guesses.
    public func signedIn(_ attempt: Attempt, in tx: some RateLimitRepository) async throws {
        try await passed(attempt, clearingOwn: true, in: tx)
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
