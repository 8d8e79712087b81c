/// A phone as stored (the number is the canonical digits; the store seals it at rest).
public struct PhoneRecord: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var country: String
    public var number: String
    public var code: String
    public var validatedAt: Int64?

    public init(id: Int64, userID: Int64, country: String, number: String, code: String, validatedAt: Int64?) {
        self.id = id; self.userID = userID; self.country = country; self.number = number; self.code = code; self.validatedAt = validatedAt
    }
}

/// A document row (one uploaded file).
public struct DocumentRecord: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var upload: String
    public var docType: String
    public var docNumber: String?
    public var docExpire: String?
    public var docCategory: String?
    public var identificator: String
    public var metadata: String?
    public var createdAt: Int64
    /// The KYCAID document it was sent as (provider `kycaid`), else nil.
    public var kycaidDocumentID: String?

    public init(id: Int64, userID: Int64, upload: String, docType: String, docNumber: String?, docExpire: String?,
                docCategory: String?, identificator: String, metadata: String?, createdAt: Int64) {
        self.id = id; self.userID = userID; self.upload = upload; self.docType = docType; self.docNumber = docNumber
        self.docExpire = docExpire; self.docCategory = docCategory; self.identificator = identificator
        self.metadata = metadata; self.createdAt = createdAt
    }
}

/// KYC data. Personal fields (phone numbers, names, date of birth, address,
/// document numbers) are sealed at rest by the store and come back plain.
public protocol KYCRepository: Sendable {
    func profiles(userID: Int64) async throws -> [Profile]
    func insertProfile(userID: Int64, _ profile: Profile) async throws -> Profile
    func updateProfile(_ profile: Profile) async throws
    func phones(userID: Int64) async throws -> [PhoneRecord]
    /// Phones of any user whose number has this salted index.
    func phones(numberIndex: Int64) async throws -> [PhoneRecord]
    func insertPhone(_ phone: PhoneRecord, numberIndex: Int64, now: Int64) async throws -> PhoneRecord
    func markPhoneValidated(id: Int64, now: Int64) async throws
    func insertDataStorage(userID: Int64, title: String, data: String, now: Int64) async throws
    func documents(userID: Int64) async throws -> [DocumentRecord]
    func insertDocument(_ document: DocumentRecord, numberIndex: Int64?, now: Int64) async throws
    func setApplicantID(profileID: Int64, applicantID: String) async throws
    /// The KYCAID document these rows were sent as.
    func setKYCAIDDocumentID(_ kycaidID: String, documentIDs: [Int64]) async throws
    func profile(id: Int64) async throws -> Profile?
    func profile(applicantID: String) async throws -> Profile?
}
