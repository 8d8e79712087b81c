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
