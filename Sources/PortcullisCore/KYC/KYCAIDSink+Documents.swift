import Foundation

/// The files of one identity document submission, by role: `doc_category`
/// when sent, else by position (the selfie last, the front first).
struct DocumentBatch: Equatable {
    var front: DocumentRecord
    var back: DocumentRecord?
    var selfie: DocumentRecord

    init?(_ rows: [DocumentRecord]) {
        guard rows.count >= 2 else { return nil }
        let selfie = rows.first { $0.docCategory == "selfie" } ?? rows[rows.count - 1]
        let rest = rows.filter { $0.id != selfie.id && $0.docCategory != "selfie" }
        guard let front = rest.first(where: { $0.docCategory == "front_side" }) ?? rest.first(where: { $0.docCategory == nil }) else {
            return nil
        }
        self.front = front
        self.selfie = selfie
        let others = rest.filter { $0.id != front.id }
        let needsBack = (KYCAIDSubmissions.requiredFiles[front.docType] ?? 0) > 2
        back = others.first { $0.docCategory == "back_side" } ?? (needsBack ? others.first { $0.docCategory == nil } : nil)
    }

    static let kycaidTypes = ["Passport": "PASSPORT", "Identity card": "GOVERNMENT_ID", "Driver license": "DRIVERS_LICENSE"]
}

extension KYCAIDSink {
    /// Document step: the files, a document (front and back) and a selfie
    /// document, then a DOCUMENT + FACIAL verification. A user's later batch
    /// updates the KYCAID documents of the earlier one; a retry after a
    /// partial send updates what it already created.
    func sendDocuments(_ job: KYCAIDJob) async throws {
        guard let userID = job.userID, let identificator = job.identificator else { return }
        let (documents, applicantID) = try await submission(of: userID)
        guard let applicantID else { return try await reject("document", userID: userID, reason: "no KYCAID applicant") }
        guard let batch = DocumentBatch(documents.filter { $0.identificator == identificator }),
              let type = DocumentBatch.kycaidTypes[batch.front.docType] else {
            return try await reject("document", userID: userID, reason: "incomplete batch")
        }
        let earlier = Self.lastSent(documents)
        do {
            guard let front = try await file(batch.front), let selfie = try await file(batch.selfie) else {
                return try await reject("document", userID: userID, reason: "file missing")
            }
            var back: KYCFile?
            if let row = batch.back {
                guard let file = try await file(row) else { return try await reject("document", userID: userID, reason: "file missing") }
                back = file
            }
            let frontID = try await provider.uploadFile(front)
            let backID = try await upload(back)
            let document = KYCDocumentRequest(applicantID: applicantID, type: type, number: batch.front.docNumber,
                                              expiry: batch.front.docExpire, frontFileID: frontID, backFileID: backID)
            let documentID = try await send(document, replacing: earlier?.front.kycaidDocumentID)
            try await store.write { tx in
                try await tx.setKYCAIDDocumentID(documentID, documentIDs: [batch.front.id] + (batch.back.map { [$0.id] } ?? []))
            }
            let selfieDocument = KYCDocumentRequest(applicantID: applicantID, type: "SELFIE_IMAGE", number: nil, expiry: nil,
                                                    frontFileID: try await provider.uploadFile(selfie), backFileID: nil)
            let selfieID = try await send(selfieDocument, replacing: earlier?.selfie.kycaidDocumentID)
            try await store.write { tx in try await tx.setKYCAIDDocumentID(selfieID, documentIDs: [batch.selfie.id]) }
            _ = try await provider.createVerification(applicantID: applicantID, types: ["DOCUMENT", "FACIAL"])
        } catch let refused as KYCRefused {
            try await reject("document", userID: userID, reason: refused.description)
        }
    }

    /// Address step: the proof as an ADDRESS_DOCUMENT, the address itself
    /// (from the rows' metadata), then an ADDRESS verification.
    func sendAddress(_ job: KYCAIDJob) async throws {
        guard let userID = job.userID, let identificator = job.identificator else { return }
        let (documents, applicantID) = try await submission(of: userID)
        let rows = documents.filter { $0.identificator == identificator }
        guard let applicantID else { return try await reject("address", userID: userID, reason: "no KYCAID applicant") }
        guard let first = rows.first, let place = Self.address(first.metadata, applicantID: applicantID) else {
            return try await reject("address", userID: userID, reason: "no address")
        }
        do {
            if first.kycaidDocumentID == nil {
                guard let front = try await file(first) else { return try await reject("address", userID: userID, reason: "file missing") }
                let back = rows.count > 1 ? try await file(rows[1]) : nil
                let proof = KYCDocumentRequest(applicantID: applicantID, type: "ADDRESS_DOCUMENT", number: nil, expiry: nil,
                                               frontFileID: try await provider.uploadFile(front),
                                               backFileID: try await upload(back))
                let created = try await provider.createDocument(proof)
                try await store.write { tx in try await tx.setKYCAIDDocumentID(created, documentIDs: rows.map(\.id)) }
            }
            _ = try await provider.createAddress(place)
            _ = try await provider.createVerification(applicantID: applicantID, types: ["ADDRESS"])
        } catch let refused as KYCRefused {
            try await reject("address", userID: userID, reason: refused.description)
        }
    }

    /// The user's documents and the applicant KYCAID knows them by (the last profile that has one).
    private func submission(of userID: Int64) async throws -> (documents: [DocumentRecord], applicantID: String?) {
        try await store.read { tx in
            (try await tx.documents(userID: userID), try await tx.profiles(userID: userID).last { $0.applicantID != nil }?.applicantID)
        }
    }

    private func upload(_ file: KYCFile?) async throws -> String? {
        guard let file else { return nil }
        return try await provider.uploadFile(file)
    }

    /// Creates the document, or updates the one sent before.
    private func send(_ document: KYCDocumentRequest, replacing earlier: String?) async throws -> String {
        guard let earlier else { return try await provider.createDocument(document) }
        try await provider.updateDocument(id: earlier, document)
        return earlier
    }

    /// The newest identity document batch already sent to KYCAID (this one, on a retry).
    static func lastSent(_ documents: [DocumentRecord]) -> DocumentBatch? {
        let sent = documents.filter { $0.kycaidDocumentID != nil && DocumentBatch.kycaidTypes[$0.docType] != nil }
        guard let newest = sent.last else { return nil }
        return DocumentBatch(documents.filter { $0.identificator == newest.identificator })
    }

    /// `POST resource/addresses` keeps the address in the rows' metadata.
    static func address(_ metadata: String?, applicantID: String) -> KYCAddressRequest? {
        guard let metadata, let object = try? JSONSerialization.jsonObject(with: Data(metadata.utf8)) as? [String: Any],
              let country = object["country"] as? String, let address = object["address"] as? String else { return nil }
        return KYCAddressRequest(applicantID: applicantID, country: country, city: object["city"] as? String ?? "",
                                 postcode: object["postcode"] as? String ?? "", address: address)
    }
}
