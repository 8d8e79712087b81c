/// A user account. `passwordDigest` is a bcrypt hash; `data` is JSON text.
public struct User: Sendable, Equatable {
    public var id: Int64
    public var uid: String
    public var email: String
    public var username: String?
    public var passwordDigest: String
    public var role: String
    public var state: UserState
    public var level: Int
    public var otp: Bool
    public var referralID: Int64?
    public var data: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64, uid: String, email: String, username: String?, passwordDigest: String,
        role: String, state: UserState, level: Int, otp: Bool, referralID: Int64?,
        data: String?, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id; self.uid = uid; self.email = email; self.username = username
        self.passwordDigest = passwordDigest; self.role = role; self.state = state
        self.level = level; self.otp = otp; self.referralID = referralID; self.data = data
        self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A user's state.
public enum UserState: String, Sendable, CaseIterable {
    case pending, active, banned, deleted, locked

    /// States that may hold a session or call the API.
    public var canAuthenticate: Bool { self == .active || self == .pending }
}

/// A user with everything `UserWithFullInfo` shows.
public struct UserFullInfo: Sendable, Equatable {
    public var user: User
    public var referralUID: String?
    public var labels: [Label]
    public var phones: [Phone]
    public var profiles: [Profile]
    public var dataStorages: [DataStorage]
    /// The current password was found in the breach list at a sign-in (takeover.md §P).
    public var passwordBreached: Bool

    public init(user: User, referralUID: String?, labels: [Label], phones: [Phone], profiles: [Profile], dataStorages: [DataStorage],
                passwordBreached: Bool = false) {
        self.user = user; self.referralUID = referralUID; self.labels = labels
        self.phones = phones; self.profiles = profiles; self.dataStorages = dataStorages; self.passwordBreached = passwordBreached
    }
}

public struct Label: Sendable, Equatable {
    public var key: String
    public var value: String
    public var scope: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(key: String, value: String, scope: String, createdAt: Int64, updatedAt: Int64) {
        self.key = key; self.value = value; self.scope = scope; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A phone as shown to its owner; `number` is the plain canonical number
/// (masking happens when the entity is rendered).
public struct Phone: Sendable, Equatable {
    public var country: String
    public var number: String
    public var validatedAt: Int64?

    public init(country: String, number: String, validatedAt: Int64?) {
        self.country = country; self.number = number; self.validatedAt = validatedAt
    }
}

public struct Profile: Sendable, Equatable {
    public var id: Int64 = 0
    public var userID: Int64 = 0
    /// The admin uid that created it (`POST admin/profiles`), else nil.
    public var author: String?
    /// The KYCAID applicant it was registered as (provider `kycaid`), else nil.
    public var applicantID: String?
    public var firstName: String?
    public var lastName: String?
    public var dob: String?
    public var address: String?
    public var postcode: String?
    public var city: String?
    public var country: String?
    public var state: String
    public var metadata: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        firstName: String?, lastName: String?, dob: String?, address: String?, postcode: String?,
        city: String?, country: String?, state: String, metadata: String?, createdAt: Int64, updatedAt: Int64
    ) {
        self.firstName = firstName; self.lastName = lastName; self.dob = dob; self.address = address
        self.postcode = postcode; self.city = city; self.country = country; self.state = state
        self.metadata = metadata; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

public struct DataStorage: Sendable, Equatable {
    public var title: String
    public var data: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(title: String, data: String, createdAt: Int64, updatedAt: Int64) {
        self.title = title; self.data = data; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}
