import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisHTTP

struct SignupRoutesTests {
    @Test func firstUserBecomesActiveSuperadminWithSessionCookie() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.post, "/identity/users", json: ["email": " Admin@Example.com ", "password": strongPassword])
            #expect(response.status == .created)
            let cookies = response.headers[values: .setCookie]
            let cookie = cookies.first ?? ""
            #expect(cookie.hasPrefix("_barong_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Max-Age"))
            // The browser's device cookie: a year, HttpOnly, Lax.
            #expect(cookies.count == 2 && cookies[1].hasPrefix("_portcullis_device=")
                    && cookies[1].hasSuffix("; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"), "\(cookies)")
            let body = response.json
            #expect(body["email"] as? String == "admin@example.com")
            #expect(body["role"] as? String == "superadmin")
            #expect(body["state"] as? String == "active")
            #expect(body["level"] as? Int == 1)
            #expect(body["username"] is NSNull)
            #expect((body["csrf_token"] as? String)?.count == 20)
            #expect((body["uid"] as? String)?.hasPrefix("ID") == true)
            let labels = body["labels"] as? [[String: Any]] ?? []
            #expect(labels.first?["key"] as? String == "email")
            #expect(labels.first?["scope"] as? String == "private")
            #expect(body["password"] == nil && body["password_digest"] == nil)
        }
    }

    @Test func laterUsersArePendingMembersAndReferralsResolve() async throws {
        try await Harness.run { _, client in
            let first = try await client.signup("first@example.com")
            let response = try await client.send(.post, "/identity/users", json: [
                "email": "second@example.com", "password": strongPassword, "username": "Second1",
                "refid": first.uid, "data": #"{"lang":"en"}"#,
            ])
            #expect(response.status == .created)
            #expect(response.json["state"] as? String == "pending")
            #expect(response.json["role"] as? String == "member")
            #expect(response.json["level"] as? Int == 0)
            #expect(response.json["username"] as? String == "second1")
            #expect(response.json["referral_uid"] as? String == first.uid)
            #expect(response.json["data"] as? String == #"{"lang":"en"}"#)
        }
    }

    @Test func firstRegistrationSuperadminCanBeOff() async throws {
        try await Harness.run({ $0.firstRegistrationSuperadmin = false }) { _, client in
            let response = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword])
            #expect(response.json["role"] as? String == "member")
            #expect(response.json["state"] as? String == "pending")
        }
    }

    @Test func missingAndBlankParamsAreListedInOrder() async throws {
        try await Harness.run { _, client in
            let none = try await client.send(.post, "/identity/users")
            #expect(none.status == .unprocessableContent)
            #expect(none.errors == ["identity.user.missing_email", "identity.user.missing_password"])
            let blank = try await client.send(.post, "/identity/users", form: "email=%20&password=")
            #expect(blank.errors == ["identity.user.empty_email", "identity.user.empty_password"])
            let wrongType = try await client.send(.post, "/identity/users", json: ["email": ["a"], "password": strongPassword])
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.errors == ["identity.user.invalid_email"])
        }
    }

    @Test func referralChecks() async throws {
        try await Harness.run { _, client in
            let format = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword, "refid": "XX0000000000"])
            #expect(format.status == .unprocessableContent)
            #expect(format.errors == ["identity.user.invalid_referral_format"])
            let missing = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword, "refid": "ID0000000000"])
            #expect(missing.errors == ["identity.user.referral_doesnt_exist"])
        }
    }

    @Test func recordErrorsAreReportedTogether() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.post, "/identity/users", json: [
                "email": "not-an-email", "password": "weak", "username": "ab", "data": "[1,2]",
            ])
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.errors) == ["email.invalid", "password.requirements", "username.too_short", "data.invalid_format"])
        }
    }

    @Test func eachRecordRule() async throws {
        try await Harness.run { _, client in
            _ = try await client.signup("taken@example.com", extra: ["username": "takenname"])
            func errors(_ params: [String: Any]) async throws -> [String] {
                var all: [String: Any] = ["email": "fresh@example.com", "password": strongPassword]
                all.merge(params) { $1 }
                return try await client.send(.post, "/identity/users", json: all).errors
            }
            #expect(try await errors(["email": "TAKEN@example.com"]) == ["email.taken"])
            #expect(try await errors(["password": "Password1!"]) == ["password.weak"])
            #expect(try await errors(["username": "TakenName"]) == ["username.taken"])
            #expect(try await errors(["username": "waytoolongname1"]) == ["username.too_long"])
            #expect(try await errors(["username": "bad name!"]) == ["username.invalid"])
            #expect(try await errors(["data": "{not json"]) == ["data.invalid_format"])
            #expect(try await errors(["data": "{\"k\":\"" + String(repeating: "x", count: 1100) + "\"}"]) == ["data.too_long"])
            #expect(try await errors(["email": "x'; DROP TABLE users; --@example.com"]) == ["email.invalid"])
            #expect(try await errors(["email": "nul\u{0}@example.com"]) == ["email.invalid"])
        }
    }

    @Test func hostileBodies() async throws {
        try await Harness.run { _, client in
            let huge = try await client.send(.post, "/identity/users", form: "email=" + String(repeating: "a", count: 1 << 20))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errors == ["server.request.too_large"])
            let broken = try await client.send(.post, "/identity/users", raw: ("application/json", "{\"email\": "))
            #expect(broken.status == .badRequest)
            #expect(broken.errors == ["server.request.malformed_body"])
            let array = try await client.send(.post, "/identity/users", raw: ("application/json", "[1,2]"))
            #expect(array.errors == ["server.request.malformed_body"])
            let media = try await client.send(.post, "/identity/users", raw: ("text/plain", "email=a"))
            #expect(media.status == .unsupportedMediaType)
            #expect(media.errors == ["server.request.unsupported_media_type"])
            let badUTF8 = try await client.execute(
                uri: base + "/identity/users", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(bytes: Array("email=".utf8) + [0xff, 0xfe] + Array("&password=x".utf8))
            )
            #expect(badUTF8.status == .badRequest)
            #expect(badUTF8.errors == ["server.request.malformed_body"])
            let multipart = try await client.send(.post, "/identity/users", raw: (
                "multipart/form-data; boundary=XyZ",
                "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nmp@example.com\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n\(strongPassword)\r\n--XyZ--\r\n"
            ))
            #expect(multipart.status == .created)
            #expect(multipart.json["email"] as? String == "mp@example.com")
        }
    }

    @Test func duplicateSignupsRacingLeaveOneUser() async throws {
        try await Harness.run { harness, client in
            let statuses = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let response = try await client.send(.post, "/identity/users", json: ["email": "race@example.com", "password": strongPassword])
                        return (response.status.code, response.errors)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.map(\.0).sorted() == [201, 422])
            #expect(statuses.first { $0.0 == 422 }?.1 == ["email.taken"])
            let count = try await harness.store.read { tx in try await tx.countUsers() }
            #expect(count == 1)
        }
    }

    @Test func signupRecordsAnActivity() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("act@example.com")
            let response = try await client.send(.get, "/resource/users/activity/account", login: login)
            #expect(response.status == .ok)
            let rows = response.jsonArray
            #expect(rows.count == 1)
            #expect(rows.first?["action"] as? String == "signup")
            #expect(rows.first?["result"] as? String == "succeed")
            #expect(rows.first?["user_agent"] as? String == "tests")
        }
    }
}
