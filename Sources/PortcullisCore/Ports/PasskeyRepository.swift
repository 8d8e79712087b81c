/// A stored passkey: the credential's id and COSE
/// public key, both base64url.
public struct Passkey: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var credentialID: String
    public var publicKey: String
    public var algorithm: Int64
    public var signCount: Int64
    public var transports: [String]
    public var backedUp: Bool
    public var name: String
    public var createdAt: Int64
    public var lastUsedAt: Int64?

    public init(id: Int64 = 0, userID: Int64, credentialID: String, publicKey: String, algorithm: Int64, signCount: Int64,
                transports: [String], backedUp: Bool, name: String, createdAt: Int64, lastUsedAt: Int64? = nil) {
        self.id = id; self.userID = userID; self.credentialID = credentialID; self.publicKey = publicKey
        self.algorithm = algorithm; self.signCount = signCount; self.transports = transports; self.backedUp = backedUp
        self.name = name; self.createdAt = createdAt; self.lastUsedAt = lastUsedAt
    }
}

/// What a WebAuthn challenge was issued for.
public enum ChallengePurpose: String, Sendable {
    case register, login
    case stepUp = "step_up"
}

/// A challenge as kept: its hash (the challenge itself is a secret until
/// used), what it is for, and what it is bound to.
public struct WebAuthnChallenge: Sendable, Equatable {
    public var hash: String
    public var purpose: ChallengePurpose
    /// The session that asked for it (nil: none, as for a passwordless login).
    public var sessionHash: String?
    /// The user a step-up challenge was issued to, and the action it approves.
    public var userID: Int64?
    public var action: String?
    public var expiresAt: Int64

    public init(hash: String, purpose: ChallengePurpose, sessionHash: String?, userID: Int64? = nil, action: String? = nil,
                expiresAt: Int64) {
        self.hash = hash; self.purpose = purpose; self.sessionHash = sessionHash; self.userID = userID; self.action = action
        self.expiresAt = expiresAt
    }
}

public protocol PasskeyRepository: Sendable {
    /// The user's WebAuthn handle (base64url), if one was made.
    func passkeyHandle(userID: Int64) async throws -> String?
    func insertPasskeyHandle(userID: Int64, handle: String) async throws
    func passkeys(userID: Int64) async throws -> [Passkey]
    func passkey(credentialID: String) async throws -> Passkey?
    /// Throws `DuplicateRecord` when the credential id is taken.
    func insertPasskey(_ passkey: Passkey) async throws -> Passkey
    /// Records a use when the counter still allows it (grows, or both sides count 0); false otherwise.
    func recordPasskeyUse(id: Int64, signCount: Int64, backedUp: Bool, at: Int64) async throws -> Bool
    func deletePasskey(userID: Int64, id: Int64) async throws -> Bool
    func insertChallenge(_ challenge: WebAuthnChallenge) async throws
    /// Deletes and returns a live challenge of that purpose: single use.
    func takeChallenge(hash: String, purpose: ChallengePurpose, now: Int64) async throws -> WebAuthnChallenge?
    /// Drops the user's step-up challenges not yet used.
    func deleteStepUpChallenges(userID: Int64) async throws
    /// Drops the user's step-up challenges but the `keep` newest.
    func trimStepUpChallenges(userID: Int64, keep: Int) async throws
    func deleteExpiredChallenges(now: Int64) async throws
}
