import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct MeRoutesTests {
    @Test func theSessionCookieIsFoundAmongOthers() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("cookies@example.com")
            for header in ["theme=dark; _barong_session_old=x;  _barong_session=\(login.cookie); _barong_session=later",
                           "_barong_session=\(login.cookie)", "a=1;\t_barong_session=\(login.cookie)"] {
                let me = try await client.send(.get, "/resource/users/me", headers: [.cookie: header])
                #expect(me.status == .ok, "\(header)")
                #expect(me.json["email"] as? String == "cookies@example.com")
            }
            for header in ["_barong_session_old=\(login.cookie)", "x_barong_session=\(login.cookie)", "_barong_session",
                           "; ;", "_barong_session=\(login.cookie)x"] {
                let me = try await client.send(.get, "/resource/users/me", headers: [.cookie: header])
                #expect(me.status == .unauthorized, "\(header)")
                #expect(me.errors == ["authz.invalid_session"])
            }
        }
    }

    @Test func updateData() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let missing = try await client.send(.put, "/resource/users/me", login: login)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errors == ["resource.user.missing_data"])
            let blank = try await client.send(.put, "/resource/users/me", json: ["data": " "], login: login)
            #expect(blank.errors == ["resource.user.empty_data"])
            let invalid = try await client.send(.put, "/resource/users/me", json: ["data": "{oops"], login: login)
            #expect(invalid.errors == ["data.invalid_format"])
            let ok = try await client.send(.put, "/resource/users/me", json: ["data": #"{"a":1}"#], login: login)
            #expect(ok.status == .ok)
            #expect(ok.json["data"] as? String == #"{"a":1}"#)
            #expect(ok.json["labels"] is [Any])
        }
    }

    @Test func deleteMe() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("admin@example.com")
            let login = try await client.signup("user@example.com")
            let other = try await client.login("user@example.com")
            let missing = try await client.send(.delete, "/resource/users/me", login: login)
            #expect(missing.errors == ["resource.user.missing_password"])
            let wrong = try await client.send(.delete, "/resource/users/me", json: ["password": "Wrong-Pass1"], login: login)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.errors == ["resource.user.invalid_password"])
            let ok = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword], login: login)
            #expect(ok.status == .ok)
            #expect(ok.text.isEmpty)
            let user = try await harness.store.read { tx in try await tx.user(email: "user@example.com") }
            #expect(user?.state == .deleted)
            let labels = try await harness.store.read { tx in try await tx.labels(userID: user?.id ?? 0) }
            #expect(labels.contains { $0.key == "delete" && $0.value == "by_user" && $0.scope == "private" })
            let after = try await client.send(.get, "/resource/users/me", login: other)
            #expect(after.errors == ["authz.invalid_session"])
            let relogin = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(relogin.errors == ["identity.session.deleted"])
        }
    }

    @Test func deleteMeWithTwoFactorNeedsACode() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            try await harness.store.write { tx in
                guard var user = try await tx.user(email: "user@example.com") else { return }
                user.otp = true
                try await tx.updateUser(user)
            }
            let missing = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword], login: login)
            #expect(missing.errors == ["resource.user.missing_otp_code"])
            let empty = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword, "otp_code": ""], login: login)
            #expect(empty.errors == ["resource.user.empty_otp_code"])
            let wrong = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword, "otp_code": "000000"], login: login)
            #expect(wrong.errors == ["resource.user.invalid_otp"])
        }
    }

    @Test func changePasswordChecksInOrderAndRecordsFailures() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            func change(_ old: String, _ new: String, _ confirm: String) async throws -> TestResponse {
                try await client.send(.put, "/resource/users/password", json: [
                    "old_password": old, "new_password": new, "confirm_password": confirm,
                ], login: login)
            }
            let missing = try await client.send(.put, "/resource/users/password", json: ["old_password": strongPassword], login: login)
            #expect(missing.errors == ["resource.user.missing_new_password", "resource.user.missing_confirm_password"])
            let mismatch = try await change(strongPassword, "Zy8?nQ4!vbW3", "Zy8?nQ4!vbW4")
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.errors == ["resource.password.doesnt_match"])
            let wrongOld = try await change("Wrong-Pass1", "Zy8?nQ4!vbW3", "Zy8?nQ4!vbW3")
            #expect(wrongOld.status == .badRequest)
            #expect(wrongOld.errors == ["resource.password.prev_pass_not_correct"])
            let same = try await change(strongPassword, strongPassword, strongPassword)
            #expect(same.status == .badRequest)
            #expect(same.errors == ["resource.password.no_change_provided"])
            let weak = try await change(strongPassword, "Password1!", "Password1!")
            #expect(weak.status == .unprocessableContent)
            #expect(weak.errors == ["password.weak"])
            let activity = try await client.send(.get, "/resource/users/activity/password", login: login)
            #expect(activity.jsonArray.count == 4)
            #expect(activity.jsonArray.allSatisfy { $0["result"] as? String == "failed" && $0["action"] as? String == "password change" })
            #expect(activity.jsonArray.first?["data"] as? String == #"{"reason":"Password is too weak"}"#)
        }
    }

    @Test func changePasswordEndsOtherSessionsOnly() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let other = try await client.login("user@example.com")
            let ok = try await client.send(.put, "/resource/users/password", json: [
                "old_password": strongPassword, "new_password": "Zy8?nQ4!vbW3", "confirm_password": "Zy8?nQ4!vbW3",
            ], login: login)
            #expect(ok.status == .created)
            #expect(ok.text.isEmpty)
            #expect(try await client.send(.get, "/resource/users/me", login: login).json["email"] as? String == "user@example.com")
            #expect(try await client.send(.get, "/resource/users/me", login: other).errors == ["authz.invalid_session"])
            let oldPassword = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(oldPassword.errors == ["identity.session.invalid_params"])
            _ = try await client.login("user@example.com", password: "Zy8?nQ4!vbW3")
        }
    }

    @Test func activityFiltersAndPagination() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            for _ in 0..<3 { _ = try await client.login("user@example.com") }
            let all = try await client.send(.get, "/resource/users/activity/all?limit=2&page=2", login: login)
            #expect(all.status == .ok)
            #expect(all.headers[.total] == "4")
            #expect(all.headers[.page] == "2")
            #expect(all.headers[.perPage] == "2")
            #expect(all.jsonArray.count == 2)
            #expect(all.jsonArray.last?["action"] as? String == "signup")
            let ids = all.jsonArray.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >))
            let session = try await client.send(.get, "/resource/users/activity/session?result=succeed", login: login)
            #expect(session.jsonArray.count == 3)
            let future = Int(Date().timeIntervalSince1970) + 100
            let none = try await client.send(.get, "/resource/users/activity/all?time_from=\(future)", login: login)
            #expect(none.status == .unprocessableContent)
            #expect(none.errors == ["resource.user.no_activity"])
            let bounded = try await client.send(.get, "/resource/users/activity/all?time_to=\(future)", login: login)
            #expect(bounded.jsonArray.count == 4)
        }
    }

    @Test func activityParamErrors() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            func errors(_ path: String) async throws -> [String] {
                try await client.send(.get, "/resource/users/activity/" + path, login: login).errors
            }
            #expect(try await errors("bogus") == ["resource.user.wrong_topic"])
            #expect(try await errors("all?time_from=yesterday") == ["resource.user.non_integer_time_from"])
            #expect(try await errors("all?time_to=1.5") == ["resource.user.non_integer_time_to"])
            #expect(try await errors("all?time_from=") == ["resource.user.empty_time_from"])
            #expect(try await errors("all?result=") == ["resource.user.empty_result"])
            #expect(try await errors("all?page=0") == ["resource.user.invalid_page"])
            #expect(try await errors("all?limit=101") == ["resource.user.invalid_limit"])
            #expect(try await errors("%20") == ["resource.user.empty_topic"])
        }
    }
}
