/// A signed-in admin console session. The id is never stored,
/// only its SHA-256; `lastSeenAt` drives the idle logout.
public struct ConsoleSessionRecord: Sendable, Equatable {
    public var idHash: String
    public var userID: Int64
    public var csrfToken: String
    public var userIP: String
    public var userAgent: String
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(idHash: String, userID: Int64, csrfToken: String, userIP: String, userAgent: String, createdAt: Int64,
                lastSeenAt: Int64) {
        self.idHash = idHash; self.userID = userID; self.csrfToken = csrfToken; self.userIP = userIP
        self.userAgent = userAgent; self.createdAt = createdAt; self.lastSeenAt = lastSeenAt
    }
}

/// The console's sessions and the dashboard's counts.
public protocol ConsoleRepository: Sendable {
    func insertConsoleSession(_ session: ConsoleSessionRecord) async throws
    func consoleSession(idHash: String) async throws -> ConsoleSessionRecord?
    func touchConsoleSession(idHash: String, at: Int64) async throws
    func deleteConsoleSession(idHash: String) async throws
    /// Ends every console session last seen before `before`; returns how many.
    @discardableResult func deleteConsoleSessions(seenBefore before: Int64) async throws -> Int
    /// Users per state and per level.
    func userCounts() async throws -> (states: [(String, Int)], levels: [(Int, Int)])
    func countProfiles(state: String) async throws -> Int
    /// Counts of user activities since `since`, by bucket of `bucketSeconds`
    /// (bucket = created_at / bucketSeconds).
    func activityCounts(topic: String, action: String, result: String, since: Int64,
                        bucketSeconds: Int64) async throws -> [(bucket: Int64, count: Int)]
}
