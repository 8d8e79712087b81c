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

/// The person of a submitted profile, as KYCAID registers them.
public struct KYCApplicant: Sendable, Equatable {
    public var profile: Profile
    public var email: String
    /// The user's last phone number, if any (Barong sends it).
    public var phone: String?
}

/// A stored upload on its way to the provider.
public struct KYCFile: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    public var contentType: String {
        if name.hasSuffix(".pdf") { return "application/pdf" }
        return name.hasSuffix(".png") ? "image/png" : "image/jpeg"
    }
}

/// A KYCAID document: its type (`PASSPORT`, `SELFIE_IMAGE`, `ADDRESS_DOCUMENT` …) and the uploaded file ids.
public struct KYCDocumentRequest: Sendable, Equatable {
    public var applicantID: String
    public var type: String
    public var number: String?
    public var expiry: String?
    public var frontFileID: String
    public var backFileID: String?
}

/// A KYCAID address (`REGISTERED`), sent with its proof document.
public struct KYCAddressRequest: Sendable, Equatable {
    public var applicantID: String
    public var country: String
    public var city: String
    public var postcode: String
    public var address: String
}

/// The provider answered with a 4xx: it refuses this submission, and
/// sending it again would not help (the KYC label becomes `rejected`).
public struct KYCRefused: Error, Equatable, CustomStringConvertible {
    public let status: Int
    public init(status: Int) { self.status = status }
    public var description: String { "KYCAID refused the request (HTTP \(status))" }
}

/// The external KYC service (KYCAID). Errors other than `KYCRefused`
/// (network, 5xx, timeouts) are retried by the outbox.
public protocol KYCProvider: Sendable {
    /// Registers the person of a submitted profile; returns the applicant id.
    func createApplicant(_ applicant: KYCApplicant) async throws -> String
    /// Re-fetches a verification by id: callbacks are never trusted as sent.
    func verification(id: String) async throws -> KYCVerification
    /// Uploads a file; returns its file id.
    func uploadFile(_ file: KYCFile) async throws -> String
    /// Returns the document id.
    func createDocument(_ document: KYCDocumentRequest) async throws -> String
    func updateDocument(id: String, _ document: KYCDocumentRequest) async throws
    /// Returns the address id.
    func createAddress(_ address: KYCAddressRequest) async throws -> String
    /// Asks for the checks (`DOCUMENT`, `FACIAL`, `ADDRESS`); returns the verification id.
    func createVerification(applicantID: String, types: [String]) async throws -> String
}
