import Foundation
import HummingbirdTesting
import NIOCore
import HTTPTypes
@testable import PortcullisStore
import SQLKit
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// A multipart body with text fields and files.
func multipart(_ fields: [(String, String)], files: [(String, String, [UInt8])]) -> (String, ByteBuffer) {
    let boundary = "PortcullisTestBoundary"
    var body: [UInt8] = []
    for (name, value) in fields {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    for (name, filename, bytes) in files {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes + Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: body))
}

let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 64)
let jpegBytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 2, count: 64)
let pdfBytes: [UInt8] = Array("%PDF-1.4\n".utf8) + Array(repeating: 3, count: 64)

extension TestClientProtocol {
    func upload(_ path: String, fields: [(String, String)], files: [(String, String, [UInt8])], login: Login) async throws -> TestResponse {
        let (type, body) = multipart(fields, files: files)
        var headers: HTTPFields = [.contentType: type, .userAgent: "tests", .cookie: "_barong_session=\(login.cookie)"]
        headers[.csrfToken] = login.csrf
        return try await execute(uri: base + path, method: .post, headers: headers, body: body)
    }
}

struct LabelsTests {
    @Test func publicLabelsCrud() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            #expect(try await client.send(.post, "/resource/labels", login: login).errors == ["resource.label.missing_key", "resource.label.missing_value"])
            #expect(try await client.send(.post, "/resource/labels", json: ["key": "", "value": "x"], login: login).errors == ["resource.label.empty_key"])
            let invalid = try await client.send(.post, "/resource/labels", json: ["key": "ab", "value": "Bad Value!"], login: login)
            #expect(Set(invalid.errors) == ["key.too_short", "value.invalid"])
            let created = try await client.send(.post, "/resource/labels", json: ["key": " Tier ", "value": "GOLD"], login: login)
            #expect(created.status == .created)
            #expect(created.json["key"] as? String == "tier" && created.json["value"] as? String == "gold" && created.json["scope"] as? String == "public")
            #expect(try await client.send(.post, "/resource/labels", json: ["key": "tier", "value": "x12"], login: login).errors == ["key.taken"])
            let list = try await client.send(.get, "/resource/labels?ordering=desc", login: login)
            #expect(list.jsonArray.map { $0["key"] as? String } == ["tier", "email"])
            #expect(try await client.send(.get, "/resource/labels?ordering=sideways", login: login).errors == ["resource.label.invalid_ordering"])
            #expect(try await client.send(.get, "/resource/labels/tier", login: login).json["value"] as? String == "gold")
            #expect(try await client.send(.get, "/resource/labels/none", login: login).errors == ["record.not_found"])
            let patched = try await client.send(.patch, "/resource/labels/tier", json: ["value": "silver"], login: login)
            #expect(patched.json["value"] as? String == "silver")
            #expect(try await client.send(.patch, "/resource/labels/email", json: ["value": "nope"], login: login).errors == ["resource.labels.private"])
            #expect(try await client.send(.delete, "/resource/labels/email", login: login).errors == ["resource.labels.private"])
            #expect(try await client.send(.delete, "/resource/labels/tier", login: login).status == .noContent)
            #expect(try await client.send(.delete, "/resource/labels/tier", login: login).errors == ["record.not_found"])
        }
    }

    @Test func aPublicBanLabelDoesNotBanTheUser() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            _ = try await client.send(.post, "/resource/labels", json: ["key": "ban", "value": "yes"], login: login)
            #expect(try await client.send(.get, "/resource/users/me", login: login).json["state"] as? String == "active")
        }
    }
}

struct DataStorageTests {
    @Test func titlesAndData() async throws {
        try await Harness.run({ $0.userStorageTitles = ["personal", "company", "user"] }) { _, client in
            let login = try await client.signup("user@example.com")
            #expect(try await client.send(.post, "/resource/data_storage", login: login).errors
                    == ["resource.datastorage.missing_title", "resource.datastorage.missing_data"])
            #expect(try await client.send(.post, "/resource/data_storage", json: ["title": "hobby", "data": "{}"], login: login).errors == ["title.inclusion"])
            #expect(try await client.send(.post, "/resource/data_storage", json: ["title": "user", "data": "{}"], login: login).errors == ["title.exclusion"])
            #expect(try await client.send(.post, "/resource/data_storage", json: ["title": "personal", "data": "{x"], login: login).errors == ["data.invalid_format"])
            let ok = try await client.send(.post, "/resource/data_storage", json: ["title": "personal", "data": #"{"a":1}"#], login: login)
            #expect(ok.status == .created && ok.text.isEmpty)
            #expect(try await client.send(.post, "/resource/data_storage", json: ["title": "Personal", "data": "{}"], login: login).errors == ["title.taken"])
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect((me.json["data_storages"] as? [[String: Any]])?.first?["title"] as? String == "personal")
            #expect((me.json["labels"] as? [[String: Any]])?.contains { $0["key"] as? String == "personal" && $0["value"] as? String == "recorded" } == true)
        }
    }
}

struct ProfilesTests {
    @Test func createUpdateAndMasking() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            #expect(try await client.send(.put, "/resource/profiles", json: ["city": "Kyiv"], login: login).errors
                    == ["resource.profile.doesnt_exist_or_not_editable"])
            #expect(try await client.send(.post, "/resource/profiles", json: ["dob": "1990-13-45"], login: login).errors == ["resource.profile.invalid_dob"])
            let bad = try await client.send(.post, "/resource/profiles", json: [
                "first_name": "J0hn!", "country": "Narnia", "dob": "2999-01-01", "metadata": "{bad", "postcode": "1",
            ], login: login)
            #expect(Set(bad.errors) == ["first_name.invalid", "country.invalid", "dob.invalid", "metadata.invalid_format", "postcode.too_short"])
            let created = try await client.send(.post, "/resource/profiles", json: [
                "first_name": "  John   Paul ", "last_name": "Smith", "dob": "1990-04-21", "address": "1 Main St, Apt. 2",
                "postcode": "01001", "city": "Kyiv", "country": "UA", "metadata": #"{"k":"v"}"#,
            ], login: login)
            #expect(created.status == .created)
            #expect(created.json["first_name"] as? String == "John Paul")
            #expect(created.json["last_name"] as? String == "S****")
            #expect(created.json["dob"] as? String == "1990-04-**")
            #expect(created.json["state"] as? String == "drafted")
            #expect(try await client.send(.post, "/resource/profiles", json: ["city": "Lviv"], login: login).errors == ["state.exists"])
            let updated = try await client.send(.put, "/resource/profiles", json: ["city": "Lviv", "confirm": true], login: login)
            #expect(updated.status == .ok)
            #expect(updated.json["city"] as? String == "Lviv" && updated.json["state"] as? String == "submitted")
            let list = try await client.send(.get, "/resource/profiles/me", login: login)
            #expect(list.jsonArray.count == 1)
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect((me.json["labels"] as? [[String: Any]])?.contains { $0["key"] as? String == "profile" && $0["value"] as? String == "submitted" } == true)
            // Personal fields are sealed at rest.
            let raw = try await harness.store.read { tx in
                try await (tx as? SQLTransaction)?.db.raw("SELECT last_name FROM profiles").first()?.decode(column: "last_name", as: String.self)
            }
            #expect(raw != nil && raw != "Smith")
        }
    }
}

struct PhonesTests {
    @Test func addResendVerify() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            #expect(try await client.send(.post, "/resource/phones", login: login).errors == ["resource.phone.missing_phone_number"])
            #expect(try await client.send(.post, "/resource/phones", json: ["phone_number": "12345"], login: login).errors == ["resource.phone.invalid_num"])
            #expect(try await client.send(.post, "/resource/phones", json: ["phone_number": "+380501234567", "channel": "fax"], login: login).errors
                    == ["resource.phone.invalid_channel"])
            let added = try await client.send(.post, "/resource/phones", json: ["phone_number": "+380 (50) 123-45-67"], login: login)
            #expect(added.status == .created)
            #expect(added.json["message"] as? String == "Code was sent successfully via sms")
            let code = try #require(harness.lastSMSCode(to: "380501234567"))
            #expect(code.count == 5)
            #expect(try await client.send(.post, "/resource/phones", json: ["phone_number": "380501234567"], login: login).errors == ["resource.phone.exists"])
            let list = try await client.send(.get, "/resource/phones", login: login)
            #expect(list.jsonArray.first?["number"] as? String == "380*****4567")
            #expect(list.jsonArray.first?["country"] as? String == "UA")
            #expect(list.jsonArray.first?["validated_at"] is NSNull)
            #expect(try await client.send(.post, "/resource/phones/send_code", json: ["phone_number": "12025550123"], login: login).errors
                    == ["resource.phone.doesnt_exist"])
            #expect(try await client.send(.post, "/resource/phones/send_code", json: ["phone_number": "380501234567"], login: login).errors
                    == ["resource.phone.too_many_requests"], "resending is rate-limited")
            harness.clock.advance(61)
            let resent = try await client.send(.post, "/resource/phones/send_code", json: ["phone_number": "380501234567"], login: login)
            #expect(resent.status == .created)
            #expect(resent.json["message"] as? String == "Code was sent successfully via sms")
            #expect(harness.lastSMSCode(to: "380501234567") == code, "the code never changes on resend")
            let wrong = try await client.send(.post, "/resource/phones/verify", json: ["phone_number": "380501234567", "verification_code": "00000"], login: login)
            #expect(wrong.status == .notFound && wrong.errors == ["resource.phone.verification_invalid"])
            let ok = try await client.send(.post, "/resource/phones/verify", json: ["phone_number": "380501234567", "verification_code": code], login: login)
            #expect(ok.status == .created)
            #expect(ok.json["level"] as? Int == 2)
            // A verified number belongs to one user only.
            _ = try await client.signup("other@example.com")
            let other = try await client.login("other@example.com")
            #expect(try await client.send(.post, "/resource/phones", json: ["phone_number": "380501234567"], login: other).errors
                    == ["resource.phone.number_exist"])
        }
    }
}

struct DocumentsTests {
    @Test func uploadsAreCheckedThenSavedTogether() async throws {
        try await Harness.run({ $0.docNumLimit = 3 }) { harness, client in
            let login = try await client.signup("user@example.com")
            let fields = [("doc_type", "Passport"), ("doc_number", "AB 123456"), ("doc_expire", "2099-01-01")]
            let missing = try await client.upload("/resource/documents", fields: [], files: [], login: login)
            #expect(missing.errors == ["resource.document.missing_doc_type", "resource.document.missing_doc_number", "resource.document.missing_upload"])
            #expect(try await client.upload("/resource/documents", fields: [("doc_type", "Passport"), ("doc_number", "1")],
                                            files: [("upload[]", "a.png", pngBytes)], login: login).errors == ["resource.documents.invalid_format"])
            #expect(try await client.upload("/resource/documents", fields: [("doc_type", "Passport"), ("doc_number", "1"), ("doc_expire", "2000-01-01")],
                                            files: [("upload[]", "a.png", pngBytes)], login: login).errors == ["resource.documents.already_expired"])
            #expect(try await client.upload("/resource/documents", fields: [("doc_type", "Visa"), ("doc_number", "1"), ("doc_expire", "2099-01-01")],
                                            files: [("upload[]", "a.png", pngBytes)], login: login).errors == ["doc_type.inclusion"])
            #expect(try await client.upload("/resource/documents", fields: fields, files: [("upload[]", "lie.pdf", pngBytes)], login: login).errors
                    == ["upload.extension_whitelist_error"])
            #expect(try await client.upload("/resource/documents", fields: fields, files: [("upload[]", "x.exe", [0x4D, 0x5A])], login: login).errors
                    == ["upload.extension_whitelist_error"])
            #expect(try await client.upload("/resource/documents", fields: fields, files: [("upload[]", "empty.png", [])], login: login).errors
                    == ["upload.min_size_error"])
            // One bad file in a batch: nothing is saved.
            #expect(try await client.upload("/resource/documents", fields: fields,
                                            files: [("upload[]", "a.png", pngBytes), ("upload[]", "b.txt", Array("hi".utf8))], login: login).status
                    == .unprocessableContent)
            #expect(try await client.send(.get, "/resource/documents", login: login).jsonArray.isEmpty)
            let ok = try await client.upload("/resource/documents", fields: fields,
                                             files: [("upload[]", "front.PNG", pngBytes), ("upload[]", "selfie.jpeg", jpegBytes)], login: login)
            #expect(ok.status == .created && ok.text.isEmpty)
            let list = try await client.send(.get, "/resource/documents", login: login)
            #expect(list.jsonArray.count == 2)
            #expect(list.jsonArray.first?["doc_number"] as? String == "AB*****56")
            #expect(list.jsonArray.first?["doc_expire"] as? String == "2099-01-01")
            #expect((list.jsonArray.first?["upload"] as? String)?.hasSuffix(".png") == true)
            #expect(try await client.upload("/resource/documents", fields: fields,
                                            files: [("upload[]", "c.pdf", pdfBytes), ("upload[]", "d.pdf", pdfBytes)], login: login).errors
                    == ["resource.documents.limit_will_be_reached"])
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect((me.json["labels"] as? [[String: Any]])?.contains { $0["key"] as? String == "document" && $0["value"] as? String == "pending" } == true)
            let address = try await client.upload("/resource/addresses", fields: [("country", "UA"), ("address", "1 Main St"), ("city", ""), ("postcode", "01001")],
                                                  files: [("upload", "bill.pdf", pdfBytes)], login: login)
            #expect(address.status == .created)
            #expect(try await client.upload("/resource/addresses", fields: [("country", "UA"), ("address", "x"), ("city", ""), ("postcode", "1")],
                                            files: [("upload", "bill.pdf", pdfBytes)], login: login).errors == ["resource.documents.limit_reached"])
            _ = harness
        }
    }

    @Test func truncatedMultipartIsABadRequest() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=XyZ", .userAgent: "tests", .cookie: "_barong_session=\(login.cookie)"]
            headers[.csrfToken] = login.csrf
            let response = try await client.execute(uri: base + "/resource/documents", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\nPass"))
            #expect(response.status == .badRequest)
            #expect(response.errors == ["server.request.malformed_body"])
        }
    }
}

struct MultipartHardeningTests {
    /// Found by schemathesis: multipart-kit 4.7.1 traps on a non-ASCII header
    /// name; the server must answer 400 instead of crashing.
    @Test func nonASCIIHeaderNamesAreRefusedNotCrashing() async throws {
        try await Harness.run { _, client in
            let body: [UInt8] = Array("--B\r\nContent-Disposition: form-data; name=\"email\"\r\n".utf8) + [0xC3, 0xA9]
                + Array(": x\r\n\r\nvalue\r\n--B--\r\n".utf8)
            let response = try await client.execute(
                uri: base + "/identity/users/email/generate_code", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=B"], body: ByteBuffer(bytes: body)
            )
            #expect(response.status == .badRequest)
            #expect(response.errors == ["server.request.malformed_body"])
            let utf8Filename = multipart([("doc_type", "Passport")], files: [("upload", "паспорт.png", pngBytes)])
            let ok = try await client.execute(uri: base + "/identity/users/email/generate_code", method: .post,
                                              headers: [.contentType: utf8Filename.0], body: utf8Filename.1)
            #expect(ok.errors == ["identity.user.missing_email"], "non-ASCII header values are fine")
        }
    }
}
