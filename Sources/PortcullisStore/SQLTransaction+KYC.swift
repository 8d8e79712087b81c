import Foundation
import PortcullisCore
import SQLKit

/// Personal fields are sealed with the store's cipher on the way in and
/// opened on the way out.
extension SQLTransaction {
    func seal(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard let cipher else { throw StoreCipherMissing() }
        return try cipher.seal(value)
    }

    func open(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard let cipher else { throw StoreCipherMissing() }
        return try cipher.open(value)
    }

    static let profileColumns = "id, user_id, author, applicant_id, first_name, last_name, dob, address, postcode, city, country, state, metadata, created_at, updated_at"

    func profiles(userID: Int64) async throws -> [Profile] {
        try await db.raw("SELECT \(unsafeRaw: Self.profileColumns) FROM profiles WHERE user_id = \(bind: userID) ORDER BY id\(unsafeRaw: rowLock)")
            .all().map(profile)
    }

    func profile(from row: any SQLRow) throws -> Profile {
        var p = Profile(
            firstName: try open(row.optionalString("first_name")), lastName: try open(row.optionalString("last_name")),
            dob: try open(row.optionalString("dob")), address: try open(row.optionalString("address")),
            postcode: try row.optionalString("postcode"), city: try row.optionalString("city"),
            country: try row.optionalString("country"), state: try row.string("state"), metadata: try row.optionalString("metadata"),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
        p.id = try row.int64("id")
        p.userID = try row.int64("user_id")
        p.author = try row.optionalString("author")
        p.applicantID = try row.optionalString("applicant_id")
        return p
    }

    func insertProfile(userID: Int64, _ p: Profile) async throws -> Profile {
        changes.touch(userID: userID)
        let row = try await db.raw("""
            INSERT INTO profiles (user_id, author, first_name, last_name, dob, address, postcode, city, country, state, metadata, created_at, updated_at)
            VALUES (\(bind: userID), \(bind: p.author), \(bind: try seal(p.firstName)), \(bind: try seal(p.lastName)), \(bind: try seal(p.dob)),
                    \(bind: try seal(p.address)), \(bind: p.postcode), \(bind: p.city), \(bind: p.country), \(bind: p.state),
                    \(bind: p.metadata), \(bind: p.createdAt), \(bind: p.updatedAt))
            RETURNING \(unsafeRaw: Self.profileColumns)
            """).first()
        guard let row else { throw DuplicateRecord(field: "profile") }
        return try profile(from: row)
    }

    func updateProfile(_ p: Profile) async throws {
        changes.touch(userID: p.userID)
        try await db.raw("""
            UPDATE profiles SET first_name = \(bind: try seal(p.firstName)), last_name = \(bind: try seal(p.lastName)),
                dob = \(bind: try seal(p.dob)), address = \(bind: try seal(p.address)), postcode = \(bind: p.postcode),
                city = \(bind: p.city), country = \(bind: p.country), state = \(bind: p.state), metadata = \(bind: p.metadata),
                updated_at = \(bind: p.updatedAt)
            WHERE id = \(bind: p.id)
            """).run()
    }

    func phones(userID: Int64) async throws -> [PhoneRecord] {
        try await db.raw("SELECT id, user_id, country, number_encrypted, code, validated_at FROM phones WHERE user_id = \(bind: userID) ORDER BY id")
            .all().map(phone)
    }

    func phones(numberIndex: Int64) async throws -> [PhoneRecord] {
        try await db.raw("SELECT id, user_id, country, number_encrypted, code, validated_at FROM phones WHERE number_index = \(bind: numberIndex)")
            .all().map(phone)
    }

    func phone(from row: any SQLRow) throws -> PhoneRecord {
        PhoneRecord(
            id: try row.int64("id"), userID: try row.int64("user_id"), country: try row.string("country"),
            number: try open(row.string("number_encrypted")) ?? "", code: try row.optionalString("code") ?? "",
            validatedAt: try row.optionalInt64("validated_at")
        )
    }

    func insertPhone(_ p: PhoneRecord, numberIndex: Int64, now: Int64) async throws -> PhoneRecord {
        changes.touch(userID: p.userID)
        let row = try await db.raw("""
            INSERT INTO phones (user_id, country, number_encrypted, number_index, code, validated_at, created_at, updated_at)
            VALUES (\(bind: p.userID), \(bind: p.country), \(bind: try seal(p.number)), \(bind: numberIndex), \(bind: p.code),
                    NULL, \(bind: now), \(bind: now))
            RETURNING id, user_id, country, number_encrypted, code, validated_at
            """).first()
        guard let row else { throw DuplicateRecord(field: "phone") }
        return try phone(from: row)
    }

    func markPhoneValidated(id: Int64, now: Int64) async throws {
        if let userID = try await db.raw("SELECT user_id FROM phones WHERE id = \(bind: id)").first()?.int64("user_id") {
            changes.touch(userID: userID)
        }
        try await db.raw("UPDATE phones SET validated_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    func insertDataStorage(userID: Int64, title: String, data: String, now: Int64) async throws {
        changes.touch(userID: userID)
        try await mapDuplicate {
            try await db.raw("""
                INSERT INTO data_storages (user_id, title, data, created_at, updated_at)
                VALUES (\(bind: userID), \(bind: title), \(bind: data), \(bind: now), \(bind: now))
                """).run()
        }
    }

    func documents(userID: Int64) async throws -> [DocumentRecord] {
        try await db.raw("""
            SELECT id, user_id, upload, doc_type, doc_number_encrypted, doc_expire, doc_category, identificator, metadata, created_at,
                   kycaid_document_id
            FROM documents WHERE user_id = \(bind: userID) ORDER BY id
            """).all().map { row in
            var document = DocumentRecord(
                id: try row.int64("id"), userID: try row.int64("user_id"), upload: try row.string("upload"),
                docType: try row.string("doc_type"), docNumber: try open(row.optionalString("doc_number_encrypted")),
                docExpire: try row.optionalString("doc_expire"), docCategory: try row.optionalString("doc_category"),
                identificator: try row.string("identificator"), metadata: try row.optionalString("metadata"),
                createdAt: try row.int64("created_at")
            )
            document.kycaidDocumentID = try row.optionalString("kycaid_document_id")
            return document
        }
    }

    func setKYCAIDDocumentID(_ kycaidID: String, documentIDs: [Int64]) async throws {
        for id in documentIDs {
            try await db.raw("UPDATE documents SET kycaid_document_id = \(bind: kycaidID) WHERE id = \(bind: id)").run()
        }
    }

    func insertDocument(_ d: DocumentRecord, numberIndex: Int64?, now: Int64) async throws {
        changes.touch(userID: d.userID)
        try await db.raw("""
            INSERT INTO documents (user_id, upload, doc_type, doc_number_encrypted, doc_number_index, doc_expire, doc_category,
                                   identificator, metadata, created_at, updated_at)
            VALUES (\(bind: d.userID), \(bind: d.upload), \(bind: d.docType), \(bind: try seal(d.docNumber)), \(bind: numberIndex),
                    \(bind: d.docExpire), \(bind: d.docCategory), \(bind: d.identificator), \(bind: d.metadata), \(bind: now), \(bind: now))
            """).run()
    }
}

extension SQLTransaction {
    func setApplicantID(profileID: Int64, applicantID: String) async throws {
        try await db.raw("UPDATE profiles SET applicant_id = \(bind: applicantID) WHERE id = \(bind: profileID)").run()
    }

    func profile(id: Int64) async throws -> Profile? {
        try await db.raw("SELECT \(unsafeRaw: Self.profileColumns) FROM profiles WHERE id = \(bind: id)\(unsafeRaw: rowLock)").first().map(profile)
    }

    func profile(applicantID: String) async throws -> Profile? {
        try await db.raw("SELECT \(unsafeRaw: Self.profileColumns) FROM profiles WHERE applicant_id = \(bind: applicantID)")
            .first().map(profile)
    }
}

/// A personal field was written or read with no cipher configured (a wiring bug).
struct StoreCipherMissing: Error {}
