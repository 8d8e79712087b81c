/// A browser a user has signed in from: its device
/// cookie is stored only as a SHA-256 (`idHash`), one row per user.
public struct DeviceRecord: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var idHash: String
    public var userAgent: String
    public var userIP: String
    public var country: String
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(id: Int64 = 0, userID: Int64, idHash: String, userAgent: String, userIP: String, country: String,
                createdAt: Int64, lastSeenAt: Int64) {
        self.id = id; self.userID = userID; self.idHash = idHash; self.userAgent = userAgent; self.userIP = userIP
        self.country = country; self.createdAt = createdAt; self.lastSeenAt = lastSeenAt
    }
}

/// The devices users have signed in from.
public protocol DeviceRepository: Sendable {
    /// Whether `idHash` has signed in to the user's account before.
    func isKnownDevice(userID: Int64, idHash: String) async throws -> Bool
    /// Records a sign-in from the device: inserted the first time, else its
    /// last sighting (time, address, country, user agent) updated.
    func recordDevice(_ device: DeviceRecord) async throws
    /// The user's devices, the last seen first.
    func devices(userID: Int64) async throws -> [DeviceRecord]
    /// Forgets one of the user's devices; false when it is not theirs.
    func deleteDevice(userID: Int64, id: Int64) async throws -> Bool
    /// Whether any of the user's devices was last seen from `country`.
    func hasDevice(userID: Int64, country: String) async throws -> Bool
    /// Whether the user has signed in before (a successful sign-in activity, signup not counted).
    func hasSignedIn(userID: Int64) async throws -> Bool
}
