import Foundation

/// One request to `POST resource/documents`.
public struct DocumentInput: Sendable {
    public var docType: String
    public var docNumber: String?
    public var docExpire: String?
    public var docCategory: String?
    public var identificator: String?
    public var metadata: String?
    public var files: [UploadedFile]

    public init(docType: String, docNumber: String?, docExpire: String?, docCategory: String?, identificator: String?,
                metadata: String?, files: [UploadedFile]) {
        self.docType = docType; self.docNumber = docNumber; self.docExpire = docExpire; self.docCategory = docCategory
        self.identificator = identificator; self.metadata = metadata; self.files = files
    }
}

/// `resource/documents` and `resource/addresses`:
/// every file is checked (extension, sniffed content, size) before any is
/// stored, and the batch is saved in one transaction (deliberate difference).
public struct DocumentService: Sendable {
    let store: any Store
    let files: any FileStore
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let limit: Int
    let requireExpiry: Bool
    let maxBytes: Int
    let salt: String
    let kycaid: KYCAIDSubmissions

    public static let types = ["Passport", "Identity card", "Driver license", "Utility Bill", "Residental", "Institutional", "Address"]
    static let categories: Set<String> = ["front_side", "back_side", "selfie"]

    public init(store: any Store, files: any FileStore, userWriter: UserWriter, events: EventWriter, clock: any ServerClock,
                limit: Int, requireExpiry: Bool, maxBytes: Int, salt: String, kycaid: KYCAIDSubmissions) {
        self.store = store; self.files = files; self.userWriter = userWriter; self.events = events; self.clock = clock
        self.limit = limit; self.requireExpiry = requireExpiry; self.maxBytes = maxBytes; self.salt = salt; self.kycaid = kycaid
    }

    public func list(for user: User) async throws -> [DocumentRecord] {
        try await store.read { tx in try await tx.documents(userID: user.id) }
    }

    public func create(_ input: DocumentInput, for user: User) async throws {
        try validate(input)
        try await save(input, label: input.docType == "Address" ? "address" : "document", for: user, limit: limit, now: clock.now())
    }

    /// Management `documents`: the same file and field
    /// userWriter, no document limit, and the KYC step only when `updateLabels`.
    public func createForManagement(_ input: DocumentInput, for user: User, updateLabels: Bool) async throws {
        try validate(input)
        let label = updateLabels ? (input.docType == "Address" ? "address" : "document") : nil
        try await save(input, label: label, for: user, limit: nil, now: clock.now())
    }

    private func validate(_ input: DocumentInput) throws {
        let now = clock.now()
        if let expire = input.docExpire, !expire.isEmpty {
            guard ProfileRules.date(expire) != nil else {
                throw APIError(.unprocessable, requireExpiry ? ErrorKey.Documents.invalidFormat : ErrorKey.Documents.expireNotADate)
            }
            if requireExpiry, expire < Timestamp.iso8601(now).prefix(10) { throw APIError(.unprocessable, ErrorKey.Documents.alreadyExpired) }
        } else if requireExpiry {
            throw APIError(.unprocessable, ErrorKey.Documents.invalidFormat)
        }
        if let category = input.docCategory, !Self.categories.contains(category) {
            throw APIError(.unprocessable, ErrorKey.Documents.docCategory)
        }
        var errors: [String] = []
        if !Self.types.contains(input.docType) { errors.append("doc_type.inclusion") }
        if let number = input.docNumber {
            if number.count > 128 { errors.append("doc_number.too_long") }
            if !number.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == " ") }) {
                errors.append("doc_number.invalid")
            }
        }
        if let metadata = input.metadata, (try? JSONSerialization.jsonObject(with: Data(metadata.utf8), options: [.fragmentsAllowed])) == nil {
            errors.append("metadata.invalid_format")
        }
        guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
    }

    /// `POST resource/addresses`: every file becomes an `Address` document.
    public func createAddress(country: String, address: String, city: String, postcode: String,
                              files: [UploadedFile], for user: User) async throws {
        guard Countries.isValid(country) else { throw APIError(.unprocessable, ErrorKey.Record.countryInvalid) }
        let metadata = EventPayload.text(["country": country, "address": address, "city": city, "postcode": postcode])
        let input = DocumentInput(docType: "Address", docNumber: nil, docExpire: nil, docCategory: nil, identificator: nil,
                                  metadata: metadata, files: files)
        try await save(input, label: "address", for: user, limit: limit, now: clock.now())
    }

    static func checkLimit(_ limit: Int, count: Int, adding: Int) throws {
        if count >= limit { throw APIError(.badRequest, ErrorKey.Documents.limitReached) }
        if count + adding > limit { throw APIError(.badRequest, ErrorKey.Documents.limitWillBeReached) }
    }

    /// `label`: the KYC label set to `pending` (nil: none); `limit`: the per-user document limit (nil: none).
    private func save(_ input: DocumentInput, label: String?, for user: User, limit: Int?, now: Int64) async throws {
        if let limit {
            try Self.checkLimit(limit, count: try await store.read { tx in try await tx.documents(userID: user.id).count },
                                adding: input.files.count)
        }
        var extensions: [String] = []
        for file in input.files { extensions.append(try check(file)) }
        var staged: [StagedFile] = []
        do {
            for (file, ext) in zip(input.files, extensions) { staged.append(try await files.stage(file.bytes, ext: ext)) }
        } catch {
            for file in staged { await files.discard(file) }
            // A full disk is the server's condition (503, retry later); any other storage failure is Barong's 422.
            if error is StorageFull { throw error }
            throw APIError(.unprocessable, ErrorKey.Documents.connectionError)
        }
        let identificator = input.identificator ?? SecureRandom.hex(bytes: 16)
        let index = input.docNumber.map { SaltedCRC32.index($0, salt: salt) }
        let (userWriter, events, files, batch, kycaid) = (self.userWriter, self.events, self.files, staged, self.kycaid)
        do {
            try await store.write { tx in
                // Again under the user's lock: uploads racing on two instances cannot pass the limit together.
                try await tx.lockUser(id: user.id)
                if let limit { try Self.checkLimit(limit, count: try await tx.documents(userID: user.id).count, adding: batch.count) }
                for file in batch {
                    try await files.record(file, in: tx, now: now)
                    let document = DocumentRecord(
                        id: 0, userID: user.id, upload: file.name, docType: input.docType, docNumber: input.docNumber,
                        docExpire: input.docExpire, docCategory: input.docCategory, identificator: identificator,
                        metadata: input.metadata, createdAt: now
                    )
                    try await tx.insertDocument(document, numberIndex: index, now: now)
                    try await events.documentCreated(document, of: user, in: tx, now: now)
                }
                guard let label else { return }
                if label == "address" {
                    // Address step: the label waits; with KYCAID the proof goes there.
                    _ = try await userWriter.setPrivateLabel(label, "pending", on: user, in: tx, now: now)
                    try await kycaid.address(userID: user.id, identificator: identificator, in: tx, now: now)
                } else if !kycaid.enabled {
                    // Document step, local provider: the label waits for an operator.
                    _ = try await userWriter.setPrivateLabel(label, "pending", on: user, in: tx, now: now)
                } else {
                    // With KYCAID: once the batch has the files its type needs.
                    let count = try await tx.documents(userID: user.id).filter { $0.identificator == identificator }.count
                    guard KYCAIDSubmissions.completes(docType: input.docType, count: count, added: batch.count) else { return }
                    _ = try await userWriter.setPrivateLabel(label, "pending", on: user, in: tx, now: now)
                    try await kycaid.documents(userID: user.id, identificator: identificator, in: tx, now: now)
                }
            }
        } catch {
            for file in staged { await files.discard(file) }
            throw error
        }
    }

    /// The extension must be whitelisted and agree with the bytes; the size within 1…`maxBytes`.
    func check(_ file: UploadedFile) throws -> String {
        let ext = (file.filename as NSString).pathExtension.lowercased()
        guard let sniffed = Self.sniff(file.bytes), Self.extensions[sniffed]?.contains(ext) == true else {
            if file.bytes.isEmpty { throw APIError(.unprocessable, ErrorKey.Documents.uploadEmpty) }
            throw APIError(.unprocessable, ErrorKey.Documents.uploadExtension)
        }
        if file.bytes.count > maxBytes { throw APIError(.unprocessable, ErrorKey.Documents.uploadTooLarge) }
        return sniffed
    }

    static let extensions = ["jpg": ["jpg", "jpeg"], "png": ["png"], "pdf": ["pdf"]]

    /// The real type from the first bytes: JPEG, PNG or PDF.
    static func sniff(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if bytes.starts(with: Array("%PDF-".utf8)) { return "pdf" }
        return nil
    }
}
