import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct AdminUsersTests {
    @Test func aMemberIsRefusedByThePermissionTableAndARoleWithoutTheAbilityByTheTable() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let member = try await harness.staff(client, "member@example.com", role: "member")
            let member2 = try await client.send(.get, "/admin/users", login: member)
            #expect(member2.status == .unauthorized && member2.errors == ["authz.invalid_permission"])
            let accountant = try await harness.staff(client, "acc@example.com", role: "accountant")
            #expect(try await client.send(.get, "/admin/users", login: accountant).headers[.total] == "3")
            let refused = try await client.send(.post, "/admin/users/role", json: ["uid": member.uid, "role": "admin"], login: accountant)
            #expect(refused.status == .unauthorized && refused.errors == ["admin.ability.not_permitted"])
            // Params are validated before the ability check (Grape order).
            let invalid = try await client.send(.post, "/admin/users/role", json: [:], login: accountant)
            #expect(invalid.errors == ["admin.user.missing_uid", "admin.user.empty_uid", "admin.user.missing_role", "admin.user.empty_role"])
            #expect(try await client.send(.get, "/admin/users").errors == ["authz.invalid_session"])
            #expect(try await client.send(.get, "/admin/abilities", login: root).json["manage"] as? [String] != nil)
            #expect(try await client.send(.get, "/admin/abilities", login: member).errors == ["authz.invalid_permission"])
        }
    }

    @Test func aPendingAdminIsRefused() async throws {
        try await Harness.run { harness, client in
            let admin = try await harness.staff(client, "a@example.com", role: "admin")
            try await harness.setState("a@example.com", .pending)
            let response = try await client.send(.get, "/admin/users", login: admin)
            #expect(response.status == .unauthorized && response.errors == ["authz.user_not_active"])
        }
    }

    @Test func listFiltersPaginatesAndValidates() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            for index in 0..<5 { _ = try await client.signup("user\(index)@example.com") }
            let all = try await client.send(.get, "/admin/users?limit=2&page=2", login: root)
            #expect(all.status == .ok && all.headers[.total] == "6" && all.headers[.page] == "2" && all.headers[.perPage] == "2")
            #expect(all.jsonArray.count == 2)
            let pending = try await client.send(.get, "/admin/users?state=pending&ordering=desc&order_by=email", login: root)
            #expect(pending.jsonArray.map { $0["email"] as? String } == (0..<5).reversed().map { "user\($0)@example.com" })
            let one = try await client.send(.get, "/admin/users?email=USER3@example.com&extended=true", login: root)
            #expect(one.jsonArray.count == 1 && one.jsonArray.first?["profiles"] as? [Any] != nil)
            let bad = try await client.send(.get, "/admin/users?extended=maybe&range=sideways&ordering=up&order_by=password_digest&page=x&limit=500",
                                            login: root)
            #expect(bad.status.code == 422)
            #expect(bad.errors == ["admin.user.non_boolean_extended", "admin.user.invalid_range", "user.ordering.invalid_ordering",
                                   "user.ordering.invalid_attribute", "non_integer_page", "invalid_limit"])
            #expect(try await client.send(.get, "/admin/users?page=0&limit=x", login: root).errors == ["non_positive_page", "non_integer_limit"])
            #expect(try await client.send(.get, "/admin/users?level=abc", login: root).errors == ["admin.user.invalid_level"])
        }
    }

    @Test func showReturnsUserWithKYCUnmasked() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let user = try await client.signup("user@example.com")
            _ = try await client.send(.post, "/resource/profiles", json: ["first_name": "Ada", "last_name": "Lovelace", "dob": "1990-02-03"], login: user)
            let shown = try await client.send(.get, "/admin/users/\(user.uid)", login: root)
            #expect(shown.status == .ok)
            let profile = (shown.json["profiles"] as? [[String: Any]])?.first
            #expect(profile?["last_name"] as? String == "Lovelace" && profile?["dob"] as? String == "1990-02-03")
            for field in ["labels", "phones", "documents", "data_storages", "comments"] { #expect(shown.json[field] as? [Any] != nil, "\(field)") }
            #expect(shown.json["password_digest"] == nil)
            #expect(try await client.send(.get, "/admin/users/ID0000000000", login: root).errors == ["admin.user.doesnt_exist"])
        }
    }

    @Test func updateChecksInTheContractsOrder() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            func put(_ json: [String: Any], as login: Login) async throws -> TestResponse {
                try await client.send(.put, "/admin/users", json: json, login: login)
            }
            #expect(try await put(["uid": user.uid], as: admin).errors == ["admin.user.one_of_state_otp_email"])
            #expect(try await put(["uid": user.uid, "state": "banned", "otp": false], as: admin).errors == ["admin.user.one_of_state_otp_email"])
            #expect(try await put(["state": "banned"], as: admin).errors == ["admin.user.missing_uid", "admin.user.empty_uid"])
            #expect(try await put(["uid": "ID0000000000", "state": "banned"], as: admin).errors == ["admin.user.doesnt_exist"])
            #expect(try await put(["uid": root.uid, "state": "banned"], as: admin).errors == ["admin.user.superadmin_change"])
            #expect(try await put(["uid": admin.uid, "state": "banned"], as: admin).errors == ["admin.user.update_himself"])
            #expect(try await put(["uid": user.uid, "email": "new@example.com"], as: admin).errors == ["superadmin.user.update_email"])
            #expect(try await put(["uid": user.uid, "otp": true], as: admin).errors == ["admin.user.enable_2fa"])
            #expect(try await put(["uid": user.uid, "otp": false], as: admin).errors == ["admin.user.otp_no_change"])
            #expect(try await put(["uid": user.uid, "state": "pending"], as: admin).errors == ["admin.user.state_no_change"])
            #expect(try await put(["uid": user.uid, "state": "frozen"], as: admin).errors == ["state.inclusion"])
            #expect(try await put(["uid": user.uid, "email": "bad"], as: root).errors == ["email.invalid"])
            #expect(try await put(["uid": user.uid, "email": "admin@example.com"], as: root).errors == ["email.taken"])
            let changed = try await put(["uid": user.uid, "email": "New@Example.com"], as: root)
            #expect(changed.status == .ok && changed.text == "200")
            #expect(try await harness.user("new@example.com")?.uid == user.uid)
            // Banning ends the user's sessions at once.
            #expect(try await client.send(.get, "/resource/users/me", login: user).json["email"] as? String == "new@example.com")
            #expect(try await client.send(.post, "/admin/users/update", json: ["uid": user.uid, "state": "banned"], login: admin).text == "200")
            #expect(try await client.send(.get, "/resource/users/me", login: user).errors == ["authz.invalid_session"])
            #expect(try await harness.user("new@example.com")?.state == .banned)
            #expect(try await client.send(.post, "/admin/users/update", json: ["uid": user.uid, "email": "x@example.com"], login: root)
                .errors == ["admin.user.one_of_state_otp"])
        }
    }

    @Test func roleChangesFollowTheRules() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            func role(_ uid: String, _ role: String, as login: Login) async throws -> TestResponse {
                try await client.send(.post, "/admin/users/role", json: ["uid": uid, "role": role], login: login)
            }
            #expect(try await role(user.uid, "member", as: admin).errors == ["admin.user.role_no_change"])
            #expect(try await role(user.uid, "wizard", as: admin).errors == ["role.doesnt_exist"])
            #expect(try await role(user.uid, "superadmin", as: admin).errors == ["admin.user.superadmin_change"])
            #expect(try await role(admin.uid, "member", as: admin).errors == ["admin.user.update_himself"])
            #expect(try await role(root.uid, "member", as: admin).errors == ["admin.user.superadmin_change"])
            #expect(try await role(user.uid, "support", as: admin).text == "200")
            #expect(try await harness.user("user@example.com")?.role == "support")
            #expect(try await role(user.uid, "superadmin", as: root).text == "200")
        }
    }

    @Test func commentsAreWrittenByTheCaller() async throws {
        try await Harness.run { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            let bad = try await client.send(.post, "/admin/users/comments", json: ["uid": user.uid, "title": String(repeating: "t", count: 65), "data": ""], login: admin)
            #expect(bad.errors == ["admin.user.empty_data", "admin.comments.title_too_long"])
            let created = try await client.send(.post, "/admin/users/comments", json: ["uid": user.uid, "title": "call", "data": "phoned"], login: admin)
            #expect(created.status == .created)
            let comment = (created.json["comments"] as? [[String: Any]])?.first
            #expect(comment?["author_uid"] as? String == admin.uid && comment?["title"] as? String == "call")
            let id = comment?["id"] as? Int ?? 0
            let edited = try await client.send(.put, "/admin/users/comments", json: ["id": id, "data": "emailed"], login: admin)
            #expect((edited.json["comments"] as? [[String: Any]])?.first?["data"] as? String == "emailed")
            #expect(try await client.send(.put, "/admin/users/comments", json: ["id": 9999], login: admin).errors == ["record.not_found"])
            #expect(try await client.send(.put, "/admin/users/comments", json: ["id": "x"], login: admin).errors == ["admin.user.invalid_id"])
            let deleted = try await client.send(.delete, "/admin/users/comments", json: ["id": id], login: admin)
            #expect(deleted.status == .ok && (deleted.json["comments"] as? [Any])?.isEmpty == true)
            let support = try await harness.staff(client, "s@example.com", role: "technical")
            #expect(try await client.send(.post, "/admin/users/comments", json: ["uid": user.uid, "title": "a", "data": "b"], login: support)
                .errors == ["admin.ability.not_permitted"])
        }
    }

    @Test func dataStorageDeletion() async throws {
        try await Harness.run({ $0.userStorageTitles = ["personal"] }) { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            #expect(try await client.send(.post, "/resource/data_storage", json: ["title": "personal", "data": "{\"a\":1}"], login: user).status == .created)
            #expect(try await client.send(.delete, "/admin/users/data_storage", json: ["uid": user.uid, "title": "other"], login: admin)
                .errors == ["admin.storage.doesnt_exist"])
            let done = try await client.send(.delete, "/admin/users/data_storage", json: ["uid": user.uid, "title": "Personal"], login: admin)
            #expect(done.status == .ok && (done.json["data_storages"] as? [Any])?.isEmpty == true)
        }
    }
}
