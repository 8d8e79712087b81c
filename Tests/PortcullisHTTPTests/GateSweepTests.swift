import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
import PortcullisIntegrations

/// Walks the router's own route table: every management route
/// refuses unsigned and wrongly signed bodies, every admin route refuses a
/// member and a role that lacks exactly the ability its route needs, every
/// resource route refuses no session and every token that is no session
/// bearer. A route added without its gate fails here by construction: the
/// sweep covers whatever the router registered, and an admin route missing
/// from `adminRoutes` fails the coverage check.
struct GateSweepTests {
    /// Admin routes: params that pass validation, and the ability the route requires (nil: any admin caller).
    static let adminRoutes: [String: (params: [String: String], ability: (AbilityTable.Action, String)?)] = [
        "GET /users": ([:], (.read, "User")),
        "GET /users/{uid}": ([:], (.read, "User")),
        "GET /users/{uid}/sessions": ([:], (.read, "User")),
        "DELETE /users/{uid}/sessions": ([:], (.update, "User")),
        "DELETE /users/{uid}/sessions/{id}": ([:], (.update, "User")),
        "PUT /users": (["uid": "{uid}", "state": "locked"], (.update, "User")),
        "POST /users/update": (["uid": "{uid}", "state": "locked"], (.update, "User")),
        "POST /users/role": (["uid": "{uid}", "role": "member"], (.update, "User")),
        "GET /users/documents/pending": ([:], (.read, "User")),
        "DELETE /users/data_storage": (["uid": "{uid}", "title": "none"], (.destroy, "User")),
        "GET /users/labels": (["key": "email", "value": "verified"], (.read, "User")),
        "GET /users/labels/list": ([:], (.read, "User")),
        "POST /users/labels": (["uid": "{uid}", "key": "vip", "value": "yes"], (.create, "Label")),
        "POST /users/labels/update": (["uid": "{uid}", "key": "vip", "value": "no", "scope": "public"], (.update, "Label")),
        "PUT /users/labels": (["uid": "{uid}", "key": "vip", "value": "no", "scope": "public"], (.update, "Label")),
        "DELETE /users/labels": (["uid": "{uid}", "key": "vip", "scope": "public"], (.destroy, "Label")),
        "POST /users/comments": (["uid": "{uid}", "title": "t", "data": "d"], (.update, "User")),
        "PUT /users/comments": (["id": "1", "title": "t"], (.update, "User")),
        "DELETE /users/comments": (["id": "1"], (.update, "User")),
        "GET /permissions": ([:], (.read, "Permission")),
        "POST /permissions": (["role": "member", "verb": "GET", "path": "api/v2/x", "action": "ACCEPT"], (.create, "Permission")),
        "PUT /permissions": (["id": "1", "topic": "x"], (.update, "Permission")),
        "DELETE /permissions": (["id": "1"], (.destroy, "Permission")),
        "GET /restrictions": ([:], (.read, "Restriction")),
        "POST /restrictions": (["scope": "ip", "value": "10.9.9.9", "category": "blacklist"], (.create, "Restriction")),
        "PUT /restrictions": (["id": "1", "state": "disabled"], (.update, "Restriction")),
        "DELETE /restrictions": (["id": "1"], (.destroy, "Restriction")),
        "POST /restrictions/whitelink": ([:], (.create, "Restriction")),
        "GET /oidc/clients": ([:], (.read, "OIDCClient")),
        "POST /oidc/clients": (["name": "x"], (.create, "OIDCClient")),
        "GET /oidc/clients/{client_id}": ([:], (.read, "OIDCClient")),
        "PUT /oidc/clients/{client_id}": ([:], (.update, "OIDCClient")),
        "DELETE /oidc/clients/{client_id}": ([:], (.destroy, "OIDCClient")),
        "POST /oidc/clients/{client_id}/secret": ([:], (.update, "OIDCClient")),
        "GET /profiles": ([:], (.read, "Profile")),
        "PUT /profiles": (["uid": "{uid}", "state": "verified"], (.update, "Profile")),
        "POST /profiles": (["uid": "{uid}", "first_name": "Ada"], (.create, "Profile")),
        "GET /levels": ([:], (.read, "Level")),
        "GET /activities": ([:], (.read, "Activity")),
        "GET /activities/admin": ([:], (.read, "Activity")),
        "GET /api_keys": (["uid": "{uid}"], (.read, "APIKey")),
        "GET /metrics": ([:], (.read, "User")),
        "GET /abilities": ([:], nil),
    ]

    static let subjects = ["Ability", "User", "Level", "Label", "Profile", "Activity", "APIKey", "Permission", "Restriction", "Document"]

    /// A role that may do everything but `ability`: `manage` on every other
    /// subject, and `read` on this one unless reading is what is missing.
    static func roleName(_ ability: (AbilityTable.Action, String)) -> String { "without_\(ability.0.rawValue)_\(ability.1)" }

    static func abilities() -> AbilityTable {
        var entries: [String: AbilityTable.Entry] = [:]
        for case let (_, ability?) in adminRoutes.values {
            entries[roleName(ability)] = .init(read: ability.0 == .read ? [] : [ability.1],
                                               manage: subjects.filter { $0 != ability.1 })
        }
        entries["superadmin"] = .init(read: [], manage: ["all"])
        return AbilityTable(roles: Array(entries.keys), entries: entries)
    }

    /// A session bearer for `uid`, as authorize would issue it.
    static func bearer(uid: String) async throws -> String {
        let issuer = try await JWTAccessTokenIssuer.make(privateKeyPEM: testPrivateKeyPEM, clock: SystemClock(), lifetime: 600)
        return try await issuer.token(for: AccessIdentity(uid: uid, email: "x@example.com", username: nil, referralID: nil,
                                                          role: "member", level: 0, state: "active"), reuseKey: uid)
    }

    /// Tokens signed with the server key that are no session bearer: a
    /// confirmation and a reset token, and what management `otp/sign` makes
    /// of a session-shaped payload (header `{"alg":"RS256"}`, no `typ`).
    static func foreignTokens(uid: String, email: String) async throws -> [String] {
        let signer = try await JWTOneTimeTokenSigner.make(privateKeyPEM: testPrivateKeyPEM, clock: SystemClock())
        let now = SystemClock().now()
        var tokens: [String] = []
        for subject in ["confirmation", "reset", FreezeService.subject] {
            tokens.append(try await signer.sign(OneTimeClaims(subject: subject, email: email, uid: uid, jti: SecureRandom.hex(bytes: 10),
                                                              resetToken: subject == "reset" ? "x" : nil, issuedAt: now,
                                                              expiresAt: now + 600)))
        }
        let claims: [String: Any] = ["uid": uid, "email": email, "role": "superadmin", "level": 3, "state": "active",
                                     "sub": "session", "iss": "barong", "aud": ["peatio", "barong"], "iat": now, "exp": now + 600,
                                     "jti": SecureRandom.hex(bytes: 10)]
        let payload = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims)))
        let protected = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8))
        let server = try await ServerJWSSigner.make(privateKeyPEM: testPrivateKeyPEM)
        let signature = try await server.sign(Array("\(protected).\(payload)".utf8))
        tokens.append("\(protected).\(payload).\(Base64URL.encode(signature))")
        return tokens
    }

    /// `METHOD /api/v2/auth/<group>/…` of the catalog, with the group's prefix cut off.
    static func routes(_ catalog: RouteCatalog, group: String) -> [(method: HTTPRequest.Method, path: String)] {
        let prefix = base + "/" + group
        return catalog.routes.sorted().compactMap { route in
            let parts = route.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix(prefix + "/"), let method = HTTPRequest.Method(String(parts[0])) else {
                return nil
            }
            return (method, String(parts[1].dropFirst(prefix.count)))
        }
    }

    @Test func everyResourceRouteRefusesNoSessionAndEveryTokenThatIsNoSessionBearer() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("owner@example.com")
            let tokens = try await Self.foreignTokens(uid: login.uid, email: "owner@example.com")
            let routes = Self.routes(harness.catalog, group: "resource").filter { !$0.path.hasPrefix("/swagger_doc") }
            #expect(routes.count >= 30, "the sweep sees the resource routes")
            for (method, path) in routes {
                let concrete = "/resource" + path.replacingOccurrences(of: "{name}", with: "x")
                let anonymous = try await client.send(method, concrete)
                let expected = CSRFRule.stateChangingMethods.contains(method.rawValue) ? "authz.missing_csrf_token" : "authz.invalid_session"
                #expect(anonymous.status == .unauthorized && anonymous.errors == [expected], "\(method) \(concrete): \(anonymous.text)")
                for token in tokens {
                    let refused = try await client.send(method, concrete, headers: [.authorization: "Bearer \(token)"])
                    #expect(refused.status == .unauthorized && refused.errors == ["jwt.decode_and_verify"],
                            "\(method) \(concrete) took a non-session token: \(refused.text)")
                }
            }
            // The session bearer itself passes the gate.
            let me = try await client.send(.get, "/resource/users/me", headers: [.authorization: "Bearer \(try await Self.bearer(uid: login.uid))"])
            #expect(me.status == .ok)
        }
    }

    @Test func everyAdminRouteRefusesAMemberAndARoleWithoutItsAbility() async throws {
        try await Harness.run(abilities: Self.abilities()) { harness, client in
            let target = try await client.signup("target@example.com")
            let member = try await harness.staff(client, "member@example.com", role: "member")
            let routes = Self.routes(harness.catalog, group: "admin")
            let registered = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
            #expect(registered == Set(Self.adminRoutes.keys), "every admin route is in the sweep with its ability")
            func call(_ method: HTTPRequest.Method, _ path: String, _ params: [String: String], login: Login? = nil,
                      bearer: String? = nil) async throws -> TestResponse {
                let values = params.mapValues { $0 == "{uid}" ? target.uid : $0 }
                let concrete = "/admin" + path.replacingOccurrences(of: "{uid}", with: target.uid)
                let headers: HTTPFields = bearer.map { [.authorization: "Bearer \($0)"] } ?? [:]
                if method == .get || method == .delete {
                    let query = values.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    return try await client.send(method, concrete + "?" + query.joined(separator: "&"), login: login, headers: headers)
                }
                return try await client.send(method, concrete, json: values, login: login, headers: headers)
            }
            var users: [String: String] = [:]
            for case let (_, ability?) in Self.adminRoutes.values where users[Self.roleName(ability)] == nil {
                let role = Self.roleName(ability)
                let login = try await harness.staff(client, "\(role.lowercased())@example.com", role: role)
                users[role] = login.uid
            }
            for (method, path) in routes {
                guard let (params, ability) = Self.adminRoutes["\(method.rawValue) \(path)"] else { continue }
                let refusedMember = try await call(method, path, params, login: member)
                #expect(refusedMember.status == .unauthorized && refusedMember.errors == ["authz.invalid_permission"],
                        "\(method) \(path) as a member: \(refusedMember.text)")
                for token in try await Self.foreignTokens(uid: target.uid, email: "target@example.com") {
                    let refused = try await call(method, path, params, bearer: token)
                    #expect(refused.errors == ["jwt.decode_and_verify"], "\(method) \(path) took a non-session token")
                }
                guard let ability, let uid = users[Self.roleName(ability)] else { continue }
                let bearer = try await Self.bearer(uid: uid)
                let refused = try await call(method, path, params, bearer: bearer)
                #expect(refused.status == .unauthorized && refused.errors == ["admin.ability.not_permitted"],
                        "\(method) \(path) without \(ability): \(refused.status) \(refused.text)")
            }
        }
    }

    @Test func everyManagementRouteRefusesUnsignedAndWronglySignedBodies() async throws {
        let applogic = TestManagementSigner(kid: "applogic"), peatio = TestManagementSigner(kid: "peatio")
        let rogue = TestManagementSigner(kid: "applogic")  // the right kid, a key not in the keychain
        let scopes = ["read_users", "write_users", "read_labels", "write_labels", "otp_sign", "read_service_accounts",
                      "write_service_accounts", "write_documents", "read_phones", "write_phones", "write_apikeys", "tools"]
        var config = ManagementAPIConfig(keychain: ["applogic": applogic.entry, "peatio": peatio.entry])
        for scope in scopes { config.scopes[scope] = .init(permittedSigners: ["applogic", "peatio"], mandatorySigners: ["applogic"]) }
        let keychain = try await ManagementKeychain.make(config: config, file: "test")
        try await Harness.run(management: (config, keychain)) { harness, client in
            let routes = Self.routes(harness.catalog, group: "management")
            #expect(routes.count >= 20, "the sweep sees the management routes")
            let now = harness.clock.now()
            func claims() -> [String: Any] { ["exp": now + 60, "iat": now, "jti": UUID().uuidString, "data": ["uid": "ID0000000000"]] }
            let unsigned: [String: Any] = ["payload": Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims()))),
                                           "signatures": [[String: Any]]()]
            for (method, path) in routes {
                let bodies: [(String, [String: Any], String)] = [
                    ("unsigned", unsigned, "Failed to verify JWT."),
                    ("plain JSON", ["data": ["uid": "ID0000000000"]], "Failed to verify JWT."),
                    ("a key not in the keychain", try TestManagementSigner.body(claims(), [rogue]), "Failed to verify JWT."),
                    ("no mandatory signer", try TestManagementSigner.body(claims(), [peatio]), "Not enough signatures for the action."),
                ]
                for (what, body, sentence) in bodies {
                    let response = try await client.execute(
                        uri: base + "/management" + path, method: method, headers: [.contentType: "application/json"],
                        body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
                    #expect(response.status == .unauthorized && response.json["error"] as? String == sentence,
                            "\(method) \(path), \(what): \(response.status) \(response.text)")
                }
            }
        }
    }
}
