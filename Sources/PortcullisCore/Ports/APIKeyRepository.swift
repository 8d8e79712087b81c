/// An API key; `sealedSecret` is the HMAC secret sealed by `SecretBox`.
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var holderType: String
    public var holderID: Int64
    public var kid: String
    public var algorithm: String
    public var scope: [String]
    public var state: String
    public var sealedSecret: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: Int64, holderType: String, holderID: Int64, kid: String, algorithm: String, scope: [String],
                state: String, sealedSecret: String, createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.holderType = holderType; self.holderID = holderID; self.kid = kid; self.algorithm = algorithm
        self.scope = scope; self.state = state; self.sealedSecret = sealedSecret; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A key-holder account, owned by a user or (created through the management
/// API without one) by nobody; it cannot log in, only hold API keys. `state`
/// is a user state or `disabled` (management `service_accounts/delete`).
public struct ServiceAccount: Sendable, Equatable {
    public var id: Int64
    public var uid: String
    public var ownerID: Int64?
    public var email: String
    public var role: String
    public var level: Int
    public var state: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: Int64, uid: String, ownerID: Int64?, email: String, role: String, level: Int, state: String,
                createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.uid = uid; self.ownerID = ownerID; self.email = email; self.role = role
        self.level = level; self.state = state; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

public struct APIKeyPage: Sendable {
    public var orderBy: String
    public var ascending: Bool
    public var page: Int
    public var limit: Int
    public init(orderBy: String, ascending: Bool, page: Int, limit: Int) {
        self.orderBy = orderBy; self.ascending = ascending; self.page = page; self.limit = limit
    }
    /// Columns a list may be ordered by (never the secret).
    public static let sortableColumns: Set<String> = ["id", "kid", "algorithm", "scope", "state", "created_at", "updated_at"]
}

public protocol APIKeyRepository: Sendable {
    func insertAPIKey(_ key: APIKey) async throws -> APIKey
    func apiKeys(holderType: String, holderID: Int64, page: APIKeyPage) async throws -> (rows: [APIKey], total: Int)
    func apiKey(kid: String) async throws -> APIKey?
    func updateAPIKey(_ key: APIKey) async throws
    func deleteAPIKey(id: Int64) async throws
    func disableAPIKeys(holderType: String, holderID: Int64, now: Int64) async throws
    func serviceAccounts(ownerID: Int64) async throws -> [ServiceAccount]
    func serviceAccount(uid: String) async throws -> ServiceAccount?
    func serviceAccount(id: Int64) async throws -> ServiceAccount?
    func insertServiceAccount(_ account: ServiceAccount) async throws -> ServiceAccount
}
