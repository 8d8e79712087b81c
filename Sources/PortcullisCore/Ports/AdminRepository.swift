/// Page of a list: `page` 1…`maxPage`, `limit` rows.
public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var limit: Int
    public init(page: Int, limit: Int) { self.page = page; self.limit = limit }
    public var offset: Int { Self.offset(page: page, limit: limit) }

    /// The highest page a list route accepts: with the largest limit (1,000)
    /// the offset stays far inside Int64 and any database's OFFSET.
    /// Validation refuses more; `offset` saturates anyway, so no caller can trap.
    public static let maxPage = 1_000_000

    /// Rows skipped before `page`, without overflow whatever the inputs.
    public static func offset(page: Int, limit: Int) -> Int {
        let (product, overflow) = (max(page, 1) - 1).multipliedReportingOverflow(by: max(limit, 0))
        return overflow ? Int.max : product
    }
}

/// A time window on `created_at` or `updated_at`, inclusive on both ends.
public struct TimeWindow: Sendable, Equatable {
    public var column: String
    public var from: Int64?
    public var to: Int64?
    public init(updated: Bool = false, from: Int64?, to: Int64?) {
        column = updated ? "updated_at" : "created_at"; self.from = from; self.to = to
    }
}

/// The filters of `GET admin/users` and `users/documents/pending` (exact matches, AND).
public struct UserFilter: Sendable {
    public var uid: String?
    public var email: String?
    /// Exact username (the console's search; the admin API has no such filter).
    public var username: String?
    public var role: String?
    public var country: String?
    public var level: Int?
    public var state: String?
    public var window = TimeWindow(from: nil, to: nil)
    public var orderBy = "id"
    public var ascending = true
    /// Only users whose private `document` label is pending or replaced,
    /// ordered by that label's `updated_at` (ordering fields ignored).
    public var pendingDocuments = false
    /// Only users whose private `profile` label is submitted, oldest change first (the console's KYC queue).
    public var submittedProfiles = false
    public var page = PageRequest(page: 1, limit: 100)
    public init() {}

    /// Columns a list may be ordered by (never the password digest).
    public static let sortableColumns: Set<String> = [
        "id", "uid", "email", "username", "role", "state", "level", "otp", "referral_id", "data", "created_at", "updated_at",
    ]
}

/// Which labels make a user match: key, and value / scope / times when given.
public struct LabelFilter: Sendable {
    public var key: String
    public var value: String?
    public var scope: String?
    public var window = TimeWindow(from: nil, to: nil)
    public init(key: String, value: String? = nil) { self.key = key; self.value = value }
}

/// A label as admins see it (with its description).
public struct AdminLabel: Sendable, Equatable {
    public var id: Int64 = 0
    public var key: String
    public var value: String
    public var scope: String
    public var description: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public init(key: String, value: String, scope: String, description: String?, createdAt: Int64, updatedAt: Int64) {
        self.key = key; self.value = value; self.scope = scope; self.description = description
        self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// An admin's note on a user.
public struct Comment: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var authorUID: String
    public var title: String
    public var data: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public init(id: Int64, userID: Int64, authorUID: String, title: String, data: String, createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.userID = userID; self.authorUID = authorUID; self.title = title; self.data = data
        self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A permission row with its id and times.
public struct PermissionRecord: Sendable, Equatable {
    public var id: Int64
    public var permission: Permission
    public var createdAt: Int64
    public var updatedAt: Int64
    public init(id: Int64, permission: Permission, createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.permission = permission; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A restriction row with its id, state and times.
public struct RestrictionRecord: Sendable, Equatable {
    public var id: Int64
    public var restriction: Restriction
    public var state: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public init(id: Int64, restriction: Restriction, state: String, createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.restriction = restriction; self.state = state; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

public struct RestrictionFilter: Sendable {
    public var scope: String?
    public var category: String?
    public var window = TimeWindow(from: nil, to: nil)
    public var page = PageRequest(page: 1, limit: 100)
    public init() {}
}

/// Filters of `GET admin/activities` (category `user`) and `activities/admin`.
public struct AdminActivityFilter: Sendable {
    public var category = "user"
    public var topic: String?
    public var action: String?
    /// The acting user's uid / email.
    public var uid: String?
    public var email: String?
    public var targetUID: String?
    public var window = TimeWindow(from: nil, to: nil)
    public var page = PageRequest(page: 1, limit: 100)
    public init() {}
}

/// An activity with the user who did it and, for admin activities, the target.
public struct ActivityWithActors: Sendable {
    public var activity: Activity
    public var user: User
    public var target: User?
    public init(activity: Activity, user: User, target: User?) { self.activity = activity; self.user = user; self.target = target }
}

/// The reads and writes only the admin API needs.
public protocol AdminRepository: Sendable {
    func users(_ filter: UserFilter) async throws -> (rows: [User], total: Int)
    /// Users having a label matching the filter, by id.
    func users(withLabel filter: LabelFilter, page: PageRequest) async throws -> (rows: [User], total: Int)
    /// How many private labels each distinct (key, value) has.
    func privateLabelCounts() async throws -> [(key: String, value: String, count: Int)]
    func adminLabels(userID: Int64) async throws -> [AdminLabel]
    /// Creates or updates the label; `description` nil leaves a stored one as is
    /// unless `clearDescription`.
    func saveLabel(userID: Int64, key: String, value: String, scope: String, description: String?,
                   clearDescription: Bool, now: Int64) async throws
    func comments(userID: Int64) async throws -> [Comment]
    func comment(id: Int64) async throws -> Comment?
    func insertComment(_ comment: Comment) async throws
    func updateComment(_ comment: Comment) async throws
    func deleteComment(id: Int64) async throws
    /// Whether a storage with that title (case-insensitive) existed and was removed.
    func deleteDataStorage(userID: Int64, title: String) async throws -> Bool
    func permissionRecords(page: PageRequest) async throws -> (rows: [PermissionRecord], total: Int)
    func permissionRecord(id: Int64) async throws -> PermissionRecord?
    func insertPermission(_ permission: Permission, now: Int64) async throws
    func updatePermission(_ record: PermissionRecord) async throws
    func deletePermission(id: Int64) async throws
    /// Whether any permission row names this role.
    func roleExists(_ role: String) async throws -> Bool
    func restrictionRecords(_ filter: RestrictionFilter) async throws -> (rows: [RestrictionRecord], total: Int)
    func restrictionRecord(id: Int64) async throws -> RestrictionRecord?
    /// `DuplicateRecord` when (category, scope, value) exists.
    func insertRestrictionRecord(_ record: RestrictionRecord) async throws
    func updateRestrictionRecord(_ record: RestrictionRecord) async throws
    func deleteRestriction(id: Int64) async throws
    /// Ends every session of every user (an enabled blocklogin restriction).
    func deleteAllSessions() async throws
    func allProfiles(page: PageRequest) async throws -> (rows: [Profile], total: Int)
    func adminActivities(_ filter: AdminActivityFilter) async throws -> (rows: [ActivityWithActors], total: Int)
    /// Activities (all categories) per UTC day number (`created_at / 86400`).
    func activityCountsByDay(topic: String, action: String, result: String, window: TimeWindow) async throws -> [(day: Int64, count: Int)]
    func countPrivateLabels(key: String, value: String) async throws -> Int
    func updateServiceAccount(_ account: ServiceAccount) async throws
}

/// The reads and writes only the management API needs.
public protocol ManagementRepository: Sendable {
    func serviceAccount(email: String) async throws -> ServiceAccount?
    /// All service accounts, or one owner's, by id.
    func serviceAccounts(ownerID: Int64?, page: PageRequest) async throws -> (rows: [ServiceAccount], total: Int)
    func deletePhone(id: Int64, userID: Int64) async throws
    /// Inserts an imported user as it was (uid, digest, state, level, times);
    /// its new id, or nil (writing nothing) when its uid or email is taken.
    func importUser(_ row: ImportRow) async throws -> Int64?
    /// Sets each user's `referral_id` to its referrer's id (users already linked keep theirs).
    func linkReferrals(_ links: [(uid: String, referralUID: String)]) async throws
}
