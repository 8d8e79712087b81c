import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct AdminLabelsTests {
    @Test func documentVerifiedRaisesTheLevelAndEmitsTheEvent() async throws {
        try await Harness.run({ $0.kycProvider = .local }) { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            func post(_ path: String, _ json: [String: Any], _ method: HTTPRequest.Method = .post) async throws -> TestResponse {
                try await client.send(method, path, json: json, login: admin)
            }
            for key in ["email", "phone"] {
                #expect(try await post("/admin/users/labels", ["uid": user.uid, "key": key, "value": "verified", "scope": "private"]).text == "200")
            }
            #expect(try await harness.user("user@example.com")?.level == 2)
            #expect(try await harness.user("user@example.com")?.state == .active)
            #expect(try await post("/admin/users/labels", ["uid": user.uid, "key": "email", "value": "verified", "scope": "private"])
                .errors == ["key.taken"])
            #expect(try await post("/admin/users/labels", ["uid": user.uid, "key": "document", "value": "pending", "scope": "private"]).text == "200")
            let pending = try await client.send(.get, "/admin/users/documents/pending?extended=true", login: admin)
            #expect(pending.jsonArray.map { $0["uid"] as? String } == [user.uid] && pending.jsonArray.first?["comments"] as? [Any] != nil)
            #expect(try await client.send(.get, "/admin/metrics", login: admin).json["pending_applications"] as? Int == 1)
            let verified = try await post("/admin/users/labels", ["uid": user.uid, "key": "document", "value": "verified", "scope": "private",
                                                                  "description": "passport checked"], .put)
            #expect(verified.text == "200")
            #expect(try await harness.user("user@example.com")?.level == 3)
            let events = try await harness.outboxEvents()
            #expect(events.contains { $0.name == "system.document.verified" && $0.payload.contains(user.uid) })
            let shown = try await client.send(.get, "/admin/users/\(user.uid)", login: admin)
            let document = (shown.json["labels"] as? [[String: Any]])?.first { $0["key"] as? String == "document" }
            #expect(document?["description"] as? String == "passport checked")
            let counts = try await client.send(.get, "/admin/users/labels/list", login: admin)
            #expect(counts.json["[\"document\", \"verified\"]"] as? Int == 1)
            let having = try await client.send(.get, "/admin/users/labels?key=document&value=verified", login: admin)
            #expect(having.jsonArray.map { $0["uid"] as? String } == [user.uid] && having.headers[.total] == "1")
            #expect(try await client.send(.get, "/admin/users/labels", login: admin).errors == ["admin.user.missing_key", "admin.user.missing_value"])
        }
    }

    @Test func labelUpdateReplaceAndDelete() async throws {
        try await Harness.run { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let user = try await client.signup("user@example.com")
            func send(_ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]) async throws -> TestResponse {
                try await client.send(method, path, json: json, login: admin)
            }
            var base: [String: Any] = ["uid": user.uid, "key": "tier", "scope": "public", "value": "gold"]
            #expect(try await send(.put, "/admin/users/labels", base).errors == ["admin.label.doesnt_exist"])
            base["replace"] = false
            #expect(try await send(.post, "/admin/users/labels/update", base).errors == ["admin.label.doesnt_exist"])
            base["replace"] = "sometimes"
            #expect(try await send(.post, "/admin/users/labels/update", base).errors == ["admin.user.non_boolean_replace"])
            base["replace"] = true
            #expect(try await send(.post, "/admin/users/labels/update", base).text == "200")
            base["value"] = "Bad Value!"
            #expect(try await send(.post, "/admin/users/labels/update", base).errors == ["value.invalid"])
            #expect(try await send(.post, "/admin/users/labels", ["uid": user.uid, "key": "x1y", "value": "abc", "scope": "secret"])
                .errors == ["scope.inclusion"])
            #expect(try await send(.post, "/admin/users/labels", ["uid": user.uid, "key": "", "value": "abc"])
                .errors == ["admin.user.empty_key"])
            #expect(try await send(.delete, "/admin/users/labels", ["uid": user.uid, "key": "nope", "scope": "public"])
                .errors == ["admin.label.doesnt_exist"])
            #expect(try await send(.delete, "/admin/users/labels", ["uid": user.uid, "key": "tier", "scope": "public"]).text == "200")
            let labels = try await harness.store.read { tx in try await tx.labels(userID: try await tx.user(uid: user.uid)?.id ?? 0) }
            #expect(!labels.contains { $0.key == "tier" })
            let root = try await harness.user("admin@example.com")
            #expect(root?.role == "admin")
            let superadmin = try await harness.staff(client, "root@example.com", role: "superadmin")
            #expect(try await send(.post, "/admin/users/labels", ["uid": superadmin.uid, "key": "ban", "value": "yes", "scope": "private"])
                .errors == ["admin.user.superadmin_change"])
        }
    }
}

struct AdminPermissionsTests {
    @Test func crudValidatesAndTakesEffectAtOnce() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let support = try await harness.staff(client, "support@example.com", role: "support")
            func send(_ method: HTTPRequest.Method, _ json: [String: Any], as login: Login? = nil) async throws -> TestResponse {
                try await client.send(method, "/admin/permissions", json: json, login: login ?? root)
            }
            let list = try await client.send(.get, "/admin/permissions?limit=5", login: root)
            #expect(list.jsonArray.count == 5 && Int(list.headers[.total] ?? "") ?? 0 > 5)
            #expect(try await send(.post, ["role": "support", "verb": "get", "path": "api", "action": ""]).errors == ["admin.permission.empty_action"])
            #expect(try await send(.post, ["role": "support", "verb": "fly", "path": "api", "action": "accept"]).errors == ["admin.permissions.invalid_verb"])
            #expect(try await send(.post, ["role": "support", "verb": "get", "path": "api", "action": "maybe"]).errors == ["admin.permissions.invalid_action"])
            #expect(try await send(.post, ["role": "wizard", "verb": "get", "path": "api", "action": "drop"]).errors == ["admin.permission.role_doesnt_exist"])
            #expect(try await client.send(.get, "/admin/users", login: support).jsonArray.isEmpty == false)
            #expect(try await send(.post, ["role": "support", "verb": "get", "path": "api/v2/barong/admin/users", "action": "drop"]).text == "200")
            // The cache is dropped at commit: the next request already sees the DROP row.
            #expect(try await client.send(.get, "/admin/users", login: support).errors == ["authz.invalid_permission"])
            // 102 seeded rows: the new one is on the second page.
            let rows = try await client.send(.get, "/admin/permissions?limit=100&page=2", login: root).jsonArray
            let drop = rows.first { $0["action"] as? String == "DROP" && $0["role"] as? String == "support" }
            #expect(drop?["verb"] as? String == "GET")
            let id = drop?["id"] as? Int ?? 0
            #expect(try await send(.put, ["id": id, "verb": "fly"]).errors == ["verb.inclusion"])
            #expect(try await send(.put, ["id": 99999, "verb": "get"]).errors == ["admin.permission.doesnt_exist"])
            #expect(try await send(.put, ["id": id, "action": "audit"]).text == "200")
            #expect(try await client.send(.get, "/admin/users", login: support).jsonArray.isEmpty == false)
            #expect(try await send(.delete, ["id": id]).text == "200")
            #expect(try await send(.delete, ["id": id]).errors == ["admin.permission.doesnt_exist"])
            #expect(try await send(.post, ["role": "support", "verb": "get", "path": "x", "action": "drop"], as: support)
                .errors == ["admin.ability.not_permitted"])
        }
    }

    @Test func standaloneAdminWritesAreAudited() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let user = try await client.signup("user@example.com")
            #expect(try await client.send(.post, "/admin/users/comments", json: ["uid": user.uid, "title": "t", "data": "d"], login: root).status == .created)
            let audits = try await client.send(.get, "/admin/activities/admin", login: root)
            let entry = audits.jsonArray.first
            #expect(entry?["topic"] as? String == "users" && entry?["action"] as? String == "create" && entry?["result"] as? String == "succeed")
            #expect((entry?["admin"] as? [String: Any])?["uid"] as? String == root.uid)
            #expect((entry?["target"] as? [String: Any])?["uid"] as? String == user.uid)
            #expect((entry?["data"] as? String)?.contains("api/v2/barong/admin/users/comments") == true)
            #expect(try await client.send(.get, "/admin/activities/admin?range=updated", login: root).errors == ["admin.activity.invalid_range"])
            let activities = try await client.send(.get, "/admin/activities?topic=session&uid=\(root.uid)", login: root)
            #expect(activities.jsonArray.first?["action"] as? String == "login")
            #expect((activities.jsonArray.first?["user"] as? [String: Any])?["email"] as? String == "root@example.com")
            let bad = try await client.send(.get, "/admin/activities", json: ["topic": ["a": "b"]], login: root)
            #expect(bad.errors == ["admin.activity.non_string_topic"])
        }
    }
}

struct AdminRestrictionsTests {
    @Test func crudValidatesAndBlockloginEndsSessions() async throws {
        try await Harness.run { harness, client in
            let root = try await harness.staff(client, "root@example.com", role: "superadmin")
            let user = try await client.signup("user@example.com")
            func send(_ method: HTTPRequest.Method, _ json: [String: Any]) async throws -> TestResponse {
                try await client.send(method, "/admin/restrictions", json: json, login: root)
            }
            #expect(try await send(.post, ["scope": "planet", "value": "x", "category": "fun", "state": "maybe"]).errors
                    == ["admin.restriction.invalid_scope", "admin.restriction.invalid_category", "admin.restriction.invalid_state"])
            #expect(try await send(.post, ["scope": "ip", "value": "1.2.3", "category": "blacklist"]).errors == ["value.invalid"])
            #expect(try await send(.post, ["scope": "ip_subnet", "value": "10.0.0.0/33", "category": "blacklist"]).errors == ["value.invalid"])
            #expect(try await send(.post, ["scope": "ip", "value": "10.1.2.3", "category": "blacklist"]).text == "200")
            #expect(try await send(.post, ["scope": "ip", "value": "10.1.2.3", "category": "blacklist"]).errors == ["value.taken"])
            #expect(try await send(.post, ["scope": "country", "value": "fr", "category": "maintenance", "code": 400]).text == "200")
            let list = try await client.send(.get, "/admin/restrictions?category=maintenance", login: root)
            #expect(list.jsonArray.count == 1 && list.jsonArray.first?["code"] as? Int == 471)
            let blacklist = try await client.send(.get, "/admin/restrictions?scope=ip", login: root).jsonArray.first
            #expect(blacklist?["code"] as? Int == 401 && blacklist?["state"] as? String == "enabled")
            let id = blacklist?["id"] as? Int ?? 0
            #expect(try await send(.put, ["id": id, "scope": "ip_subnet"]).errors == ["value.invalid"])
            #expect(try await send(.put, ["id": 9999, "state": "disabled"]).errors == ["admin.restriction.doesnt_exist"])
            #expect(try await client.send(.get, "/admin/restrictions?scope=mars", login: root).errors == ["admin.restriction.invalid_scope"])
            let link = try await client.send(.post, "/admin/restrictions/whitelink", json: ["expire_time": 2, "range": "hour"], login: root)
            #expect(link.status == .created && (link.json["whitelink_token"] as? String)?.count == 64)
            #expect(try await client.send(.post, "/admin/restrictions/whitelink", json: ["expire_time": 31, "range": "week"], login: root)
                .errors == ["invalid_expire", "invalid_range"])
            let all = try await client.send(.get, "/admin/restrictions", login: root).jsonArray
            for row in all { #expect(try await send(.delete, ["id": row["id"] as? Int ?? 0]).text == "200") }
            #expect(try await send(.delete, ["id": id]).errors == ["admin.restriction.doesnt_exist"])
            // A blocklogin row for everyone ends every session at once (the admin's too).
            #expect(try await client.send(.get, "/resource/users/me", login: user).json["email"] as? String == "user@example.com")
            #expect(try await send(.post, ["scope": "all", "value": "all", "category": "blocklogin"]).text == "200")
            #expect(try await client.send(.get, "/resource/users/me", login: user).errors == ["authz.invalid_session"])
            let relogin = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(relogin.status == .unauthorized && relogin.errors == ["authz.restrict.blocklogin"])
            #expect(try await client.send(.get, "/admin/restrictions", login: root).errors == ["authz.invalid_session"])
        }
    }
}

struct AdminProfilesAndReportsTests {
    @Test func profilesAreDecidedAndCreated() async throws {
        try await Harness.run({ $0.profileDoubleVerification = true; $0.profileVerificationRoles = [] }) { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let other = try await harness.staff(client, "other@example.com", role: "compliance")
            let user = try await client.signup("user@example.com")
            #expect(try await client.send(.put, "/admin/profiles", json: ["uid": user.uid, "state": "verified"], login: admin)
                .errors == ["admin.profiles.doesnt_exist_or_not_editable"])
            let created = try await client.send(.post, "/admin/profiles", json: ["uid": user.uid, "first_name": "Ada", "last_name": "Byron"], login: admin)
            #expect(created.status == .created && created.json["state"] as? String == "submitted" && created.json["last_name"] as? String == "Byron")
            #expect(try await client.send(.post, "/admin/profiles", json: ["uid": user.uid], login: admin).errors == ["state.exists"])
            #expect(try await client.send(.post, "/admin/profiles", json: ["uid": user.uid, "dob": "1990-13-40"], login: admin)
                .errors == ["admin.profile.invalid_dob"])
            #expect(try await client.send(.post, "/admin/profiles", json: ["uid": "ID0000000000"], login: admin).errors == ["admin.user.doesnt_exist"])
            #expect(try await client.send(.put, "/admin/profiles", json: ["uid": user.uid, "state": "verified"], login: admin)
                .errors == ["admin.profiles.second_admin_approval"])
            #expect(try await client.send(.put, "/admin/profiles", json: ["uid": user.uid, "state": "done"], login: other).errors == ["state.inclusion"])
            let decided = try await client.send(.put, "/admin/profiles", json: ["uid": user.uid, "state": "verified"], login: other)
            #expect(decided.status == .ok && decided.json["state"] as? String == "verified")
            let labels = try await harness.store.read { tx in try await tx.labels(userID: try await tx.user(uid: user.uid)?.id ?? 0) }
            #expect(labels.contains { $0.key == "profile" && $0.value == "verified" && $0.scope == "private" })
            let list = try await client.send(.get, "/admin/profiles", login: admin)
            #expect(list.jsonArray.count == 1 && list.headers[.total] == "1")
        }
    }

    @Test func levelsApiKeysAbilitiesAndMetrics() async throws {
        try await Harness.run { harness, client in
            let admin = try await harness.staff(client, "admin@example.com", role: "admin")
            let levels = try await client.send(.get, "/admin/levels", login: admin)
            #expect(levels.jsonArray.map { $0["key"] as? String } == ["email", "phone", "document"])
            #expect(try await client.send(.get, "/admin/api_keys", login: admin).errors == ["admin.user.doesnt_exist"])
            let keys = try await client.send(.get, "/admin/api_keys?uid=\(admin.uid)", login: admin)
            #expect(keys.status == .ok && keys.jsonArray.isEmpty && keys.headers[.total] == "0")
            #expect(try await client.send(.get, "/admin/api_keys?uid=\(admin.uid)&order_by=secret_encrypted&ordering=x", login: admin)
                .errors == ["api_keys.ordering.invalid_ordering", "api_keys.ordering.invalid_attribute"])
            let abilities = try await client.send(.get, "/admin/abilities", login: admin)
            #expect(abilities.json["read"] as? [String] == ["Activity", "Permission"])
            let metrics = try await client.send(.get, "/admin/metrics", login: admin)
            let today = String(Timestamp.iso8601(harness.clock.now()).prefix(10))
            #expect((metrics.json["signups"] as? [String: Int])?[today] == 1)
            #expect((metrics.json["sucessful_logins"] as? [String: Int])?[today] == 1)
            #expect(metrics.json["failed_logins"] as? [String: Int] == [:] && metrics.json["pending_applications"] as? Int == 0)
            let empty = try await client.send(.get, "/admin/metrics?created_from=\(harness.clock.now() + 86_400)", login: admin)
            #expect(empty.json["signups"] as? [String: Int] == [:])
        }
    }
}
