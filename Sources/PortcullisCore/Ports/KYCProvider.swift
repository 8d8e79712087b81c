/// A verification as the KYC provider reports it.
public struct KYCVerification: Sendable, Equatable {
    public var status: String
    public var applicantID: String
    /// Check name (`profile`, `document`, `facial`, `address`) → verified.
    public var checks: [String: Bool]

    public init(status: String, applicantID: String, checks: [String: Bool]) {
        self.status = status; self.applicantID = applicantID; self.checks = checks
    }
}

/// The external KYC service (KYCAID).
public protocol KYCProvider: Sendable {
    /// Registers the person of a submitted profile; returns the applicant id.
    func createApplicant(profile: Profile, email: String) async throws -> String
    /// Re-fetches a verification by id: callbacks are never trusted as sent.
    func verification(id: String) async throws -> KYCVerification
}
