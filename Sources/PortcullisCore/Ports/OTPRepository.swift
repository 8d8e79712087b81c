/// A user's TOTP seed, sealed by `SecretBox`, and the last step a code was accepted for.
public struct OTPSecretRecord: Sendable, Equatable {
    public var sealedSecret: String
    public var lastUsedStep: Int64
    public init(sealedSecret: String, lastUsedStep: Int64) {
        self.sealedSecret = sealedSecret; self.lastUsedStep = lastUsedStep
    }
}

public protocol OTPRepository: Sendable {
    func otpSecret(userID: Int64) async throws -> OTPSecretRecord?
    /// A new seed replaces any earlier one (its used steps are forgotten).
    func replaceOTPSecret(userID: Int64, sealed: String, now: Int64) async throws
    /// Records `step` as used; false when that step (or a later one) already was: a replay.
    func advanceOTPStep(userID: Int64, to step: Int64) async throws -> Bool
    func deleteOTPSecret(userID: Int64) async throws
}

/// Renders text as a QR code PNG.
public protocol QRCodeRenderer: Sendable {
    func png(for text: String, size: Int) throws -> [UInt8]
}

/// How many of a user's recovery codes are left, and when the set was made.
public struct RecoveryCodeStatus: Sendable, Equatable {
    public var remaining: Int
    public var createdAt: Int64
    public init(remaining: Int, createdAt: Int64) { self.remaining = remaining; self.createdAt = createdAt }
}

/// Recovery codes, stored only as keyed hashes.
public protocol RecoveryCodeRepository: Sendable {
    /// The new set replaces the whole old one (used codes included).
    func replaceRecoveryCodes(userID: Int64, hashes: [String], now: Int64) async throws
    /// Marks the code used; true exactly once per code, however many
    /// transactions on however many instances try it at the same time.
    func useRecoveryCode(userID: Int64, hash: String, now: Int64) async throws -> Bool
    /// nil when the user has no set.
    func recoveryCodeStatus(userID: Int64) async throws -> RecoveryCodeStatus?
    func deleteRecoveryCodes(userID: Int64) async throws
}
