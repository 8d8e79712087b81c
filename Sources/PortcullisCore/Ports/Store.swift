/// The persistence port. `write` runs its body in one transaction that
/// commits only when the body returns; `read` runs on a reader connection
/// where each statement sees committed data.
public protocol Store: Sendable {
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs a body that issues exactly one (atomic) write statement, without
    /// BEGIN/COMMIT round trips where the backend allows: for writes on hot paths.
    func writeStatement<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Registers an observer told about every committed write's changes,
    /// this process's and, when the database is shared, every other's.
    func addCommitObserver(_ observer: any StoreCommitObserver)
    /// Whether other processes may share this database (then nothing that
    /// must hold across requests may live only in this process's memory).
    var isShared: Bool { get }
}

/// Everything a service may do inside one transaction.
public protocol StoreTransaction: UserRepository, LabelRepository, SessionRepository, ActivityRepository,
    OutboxRepository, OneTimeTokenRepository, OTPRepository, RecoveryCodeRepository, APIKeyRepository, PermissionRepository, KYCRepository,
    RestrictionRepository, RateLimitRepository, UploadRepository, AdminRepository, ManagementRepository, PasskeyRepository,
    ConsoleRepository, DeviceRepository, PasswordBreachRepository, OIDCRepository, OIDCFlowRepository {}

/// The database could not be reached in time; nothing was written.
public struct StoreUnavailable: Error, Sendable {
    public init() {}
}

/// The disk under the database or the uploads is full (or refuses writes):
/// nothing was written, and writes work again once space is freed (503).
public struct StorageFull: Error, Sendable {
    public init() {}
}

/// A value the database cannot hold (PostgreSQL refuses text with a NUL
/// character); nothing was written. Answered as a malformed request.
public struct UnstorableValue: Error, Sendable {
    public init() {}
}

/// A unique constraint the store refused (a race the pre-checks missed).
public struct DuplicateRecord: Error, Sendable {
    public let field: String
    public init(field: String) { self.field = field }
}

public struct NewUser: Sendable {
    public var uid: String
    public var email: String
    public var username: String?
    public var passwordDigest: String
    public var role: String
    public var state: UserState
    public var referralID: Int64?
    public var data: String?
    public var now: Int64

    public init(uid: String, email: String, username: String?, passwordDigest: String, role: String,
                state: UserState, referralID: Int64?, data: String?, now: Int64) {
        self.uid = uid; self.email = email; self.username = username; self.passwordDigest = passwordDigest
        self.role = role; self.state = state; self.referralID = referralID; self.data = data; self.now = now
    }
}

public protocol UserRepository: Sendable {
    func insertUser(_ user: NewUser) async throws -> User
    func user(id: Int64) async throws -> User?
    func user(uid: String) async throws -> User?
    func user(email: String) async throws -> User?
    func user(username: String) async throws -> User?
    func updateUser(_ user: User) async throws
    func countUsers() async throws -> Int
    /// Until commit, makes any other transaction that locks the same user
    /// wait: check-then-write on a user's rows (one open profile, the
    /// document limit) holds across instances on PostgreSQL (`FOR UPDATE`);
    /// SQLite's single writer serializes them already.
    func lockUser(id: Int64) async throws
    /// Until commit, makes any other transaction calling this wait, so a
    /// count taken after it sees every user committed before (PostgreSQL's
    /// advisory lock; SQLite's single writer already serializes writes).
    func serializeUserCount() async throws
    func fullInfo(of user: User) async throws -> UserFullInfo
    /// The state an operator set and holds against automatic recomputation
    /// (banned, locked, deleted), or nil.
    func heldState(userID: Int64) async throws -> UserState?
    /// Holds `state` for the user, or with nil releases any hold.
    func holdState(userID: Int64, _ state: UserState?, now: Int64) async throws
    /// The user's anti-phishing code, sealed (nil: none set).
    func sealedAntiPhishingCode(userID: Int64) async throws -> String?
    /// Sets (or with nil clears) the sealed anti-phishing code.
    func setSealedAntiPhishingCode(userID: Int64, _ sealed: String?, now: Int64) async throws
}

public struct Level: Sendable, Equatable {
    public var id: Int
    public var key: String
    public var value: String
    public init(id: Int, key: String, value: String) { self.id = id; self.key = key; self.value = value }
}

public protocol LabelRepository: Sendable {
    func labels(userID: Int64) async throws -> [Label]
    /// Creates the label or updates its value.
    func upsertLabel(userID: Int64, key: String, value: String, scope: String, now: Int64) async throws
    func deleteLabel(userID: Int64, key: String, scope: String) async throws
    func levels() async throws -> [Level]
}

/// A stored session: the id itself is never stored, only its SHA-256.
public struct SessionRecord: Sendable, Equatable {
    public var idHash: String
    public var userID: Int64
    public var csrfToken: String
    public var userIP: String
    public var userAgent: String
    public var expireAt: Int64
    /// The store entry's absolute end (24 h after opening), whatever renewals say.
    public var hardExpireAt: Int64
    public var createdAt: Int64
    /// The id the session list shows: random, unrelated to the cookie.
    public var publicID: String
    /// How it was opened (`SignInMethod`).
    public var method: String
    public var country: String
    /// The last renewal written (the renewal step is its granularity).
    public var lastSeenAt: Int64
    /// The opening to the millisecond: the order of the session list.
    public var openedAtMS: Int64

    public init(idHash: String, userID: Int64, csrfToken: String, userIP: String, userAgent: String,
                expireAt: Int64, hardExpireAt: Int64, createdAt: Int64, publicID: String,
                method: String = SignInMethod.password.rawValue, country: String = "", lastSeenAt: Int64? = nil,
                openedAtMS: Int64? = nil) {
        self.idHash = idHash; self.userID = userID; self.csrfToken = csrfToken; self.userIP = userIP
        self.userAgent = userAgent; self.expireAt = expireAt; self.hardExpireAt = hardExpireAt; self.createdAt = createdAt
        self.publicID = publicID; self.method = method; self.country = country; self.lastSeenAt = lastSeenAt ?? createdAt
        self.openedAtMS = openedAtMS ?? createdAt * 1000
    }
}

/// How a session was opened, as the session list names it.
public enum SignInMethod: String, Sendable {
    /// Email and password (and OTP when enabled), or a signup that just set them.
    case password
    /// The link of an email confirmation.
    case email
    case auth0
    case passkey
    /// Password and one of the user's recovery codes in place of the TOTP code.
    case recoveryCode = "recovery_code"
}

public protocol SessionRepository: Sendable {
    func insertSession(_ session: SessionRecord) async throws
    func session(idHash: String) async throws -> SessionRecord?
    /// The session and its user in one lookup (the hot path of every cookie call).
    func sessionWithUser(idHash: String) async throws -> (SessionRecord, User)?
    func renewSession(idHash: String, expireAt: Int64, seenAt: Int64) async throws
    func deleteSession(idHash: String) async throws
    /// Ends every session of a user, except `keeping` when given, and all
    /// their OpenID Connect token families (revoked at `now`); how many sessions ended.
    @discardableResult
    func deleteSessions(userID: Int64, keeping idHash: String?, now: Int64) async throws -> Int
    func deleteExpiredSessions(now: Int64) async throws
    /// A user's live sessions, newest first.
    func sessions(userID: Int64, now: Int64) async throws -> [SessionRecord]
    /// A user's session by its public id.
    func session(userID: Int64, publicID: String) async throws -> SessionRecord?
}

public struct Activity: Sendable {
    public var id: Int64
    public var userIP: String
    public var userIPCountry: String
    public var userAgent: String
    public var topic: String
    public var action: String
    public var result: String
    public var data: String?
    public var createdAt: Int64

    public init(id: Int64, userIP: String, userIPCountry: String, userAgent: String, topic: String,
                action: String, result: String, data: String?, createdAt: Int64) {
        self.id = id; self.userIP = userIP; self.userIPCountry = userIPCountry; self.userAgent = userAgent
        self.topic = topic; self.action = action; self.result = result; self.data = data; self.createdAt = createdAt
    }
}

public struct NewActivity: Sendable {
    /// Nil only for a failed login with an address no user has: the row is
    /// written so that both answers cost the same; no list or count shows it.
    public var userID: Int64?
    public var category: String
    public var client: ClientInfo
    public var topic: String
    public var action: String
    public var result: String
    public var data: String?
    /// Admin audits: the uid the request acted on.
    public var targetUID: String?
    public var now: Int64

    public init(userID: Int64?, category: String = "user", client: ClientInfo, topic: String, action: String,
                result: String, data: String? = nil, targetUID: String? = nil, now: Int64) {
        self.userID = userID; self.category = category; self.client = client; self.topic = topic
        self.action = action; self.result = result; self.data = data; self.targetUID = targetUID; self.now = now
    }
}

public struct ActivityFilter: Sendable {
    public var userID: Int64
    public var topic: String?
    public var timeFrom: Int64?
    public var timeTo: Int64?
    public var result: String?
    public var page: Int
    public var limit: Int

    public init(userID: Int64, topic: String?, timeFrom: Int64?, timeTo: Int64?, result: String?, page: Int, limit: Int) {
        self.userID = userID; self.topic = topic; self.timeFrom = timeFrom; self.timeTo = timeTo
        self.result = result; self.page = page; self.limit = limit
    }
}

public protocol ActivityRepository: Sendable {
    func insertActivity(_ activity: NewActivity) async throws
    /// One page of matching activities, newest first, and the total count.
    func activities(_ filter: ActivityFilter) async throws -> (rows: [Activity], total: Int)
}
