import Crypto
import Foundation
import HummingbirdTesting
import HTTPTypes
import JWTKit
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore
import SQLKit
import PortcullisIntegrations

/// The payload of an issued token, read without verification (verified separately).
func claims(of token: String) -> [String: Any] {
    let parts = token.split(separator: ".")
    guard parts.count == 3 else { return [:] }
    var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    return (try? JSONSerialization.jsonObject(with: Data(base64Encoded: text) ?? Data())) as? [String: Any] ?? [:]
}

func bearer(_ response: TestResponse) -> String? {
    response.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
}

struct AuthorizeTests {
    @Test func sessionCookieGetsASignedJWTWithBarongsClaims() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com", extra: ["username": "trader1"])
            let response = try await client.send(.get, "/api/v2/peatio/account/balances", login: login)
            #expect(response.status == .ok)
            #expect(response.text.isEmpty)
            let token = try #require(bearer(response))
            let header = String(decoding: Data(base64Encoded: String(token.split(separator: ".")[0]) + "==") ?? Data(), as: UTF8.self)
            #expect(header.contains("\"RS256\"") && !header.contains("kid"))
            let c = claims(of: token)
            #expect(c["uid"] as? String == login.uid)
            #expect(c["email"] as? String == "user@example.com")
            #expect(c["username"] as? String == "trader1")
            #expect(c["referral_id"] is NSNull)
            #expect(c["role"] as? String == "superadmin")
            #expect(c["level"] as? Int == 1)
            #expect(c["state"] as? String == "active")
            #expect(c["sub"] as? String == "session" && c["iss"] as? String == "barong")
            #expect(c["aud"] as? [String] == ["peatio", "barong"])
            #expect((c["jti"] as? String)?.count == 20)
            #expect((c["exp"] as? Int ?? 0) - (c["iat"] as? Int ?? 0) == 3600)

            // It verifies with the published JWKS.
            let jwks = try await client.send(.get, "/public/jwks")
            let jwk = try #require((jwks.json["keys"] as? [[String: Any]])?.first)
            #expect(jwk["kty"] as? String == "RSA" && jwk["alg"] as? String == "RS256")
            let publicKey = try JWTKit.Insecure.RSA.PublicKey(
                modulus: try #require(jwk["n"] as? String), exponent: try #require(jwk["e"] as? String)
            )
            let keys = JWTKeyCollection()
            await keys.add(rsa: publicKey, digestAlgorithm: .sha256)
            let verified = try await keys.verify(token, as: GatewayClaims.self)
            #expect(verified.uid == login.uid)

            // A second call reuses the token instead of signing again.
            let again = try await client.send(.get, "/api/v2/peatio/account/orders", login: login)
            #expect(bearer(again) == token)
        }
    }

    @Test func refusalsAndRules() async throws {
        try await Harness.run { _, client in
            let admin = try await client.signup("admin@example.com")
            let member = try await client.signup("member@example.com")
            let none = try await client.send(.get, "/api/v2/peatio/account/balances")
            #expect(none.status == .unauthorized)
            #expect(none.errors == ["authz.invalid_session"])
            let noCSRF = try await client.send(.post, "/api/v2/peatio/market/orders", login: member, csrf: "")
            #expect(noCSRF.errors == ["authz.missing_csrf_token"])
            let post = try await client.send(.post, "/api/v2/peatio/market/orders", login: member)
            #expect(post.status == .ok)
            #expect(claims(of: bearer(post) ?? "")["uid"] as? String == member.uid)
            let blocked = try await client.send(.get, "/api/v2/barong/management/users", login: admin)
            #expect(blocked.status == .unauthorized)
            #expect(blocked.errors == ["authz.permission_denied"])
            let pass = try await client.send(.get, "/api/v2/peatio/public/markets")
            #expect(pass.status == .ok)
            #expect(pass.headers[.authorization] == nil)
            let prefix = try await client.send(.get, "/api/v2/barong/publicity")
            #expect(prefix.status == .ok, "rule prefixes are plain string prefixes")
            #expect(prefix.headers[.authorization] == nil)
            let denied = try await client.send(.get, "/api/v2/barong/admin/users", login: member)
            #expect(denied.status == .unauthorized)
            #expect(denied.errors == ["authz.invalid_permission"])
            let own = try await client.send(.get, "/identity/not-a-route")
            #expect(own.errors == ["server.route_not_found"], "our own prefixes never authorize")
        }
    }

    @Test func adminCallsAreAuditedWithoutSecrets() async throws {
        try await Harness.run { harness, client in
            let admin = try await client.signup("admin@example.com")
            let member = try await client.signup("member@example.com")
            let response = try await client.send(.post, "/api/v2/barong/admin/users/labels", json: [
                "uid": member.uid, "key": "kyc", "otp_code": "123456",
            ], login: admin)
            #expect(response.status == .ok)
            _ = try await client.send(.get, "/api/v2/admin/withdraws", login: member)
            let rows = try await harness.store.read { tx in
                try await (tx as? SQLTransaction)?.db.raw(
                    "SELECT topic, action, result, data, target_uid FROM activities WHERE category = 'admin' ORDER BY id"
                ).all().map { row in
                    [try row.decode(column: "topic", as: String.self), try row.decode(column: "action", as: String.self),
                     try row.decode(column: "result", as: String.self), try row.decode(column: "data", as: String?.self) ?? "",
                     try row.decode(column: "target_uid", as: String?.self) ?? ""]
                } ?? []
            }
            #expect(rows.count == 2)
            #expect(rows[0][0] == "users" && rows[0][1] == "create" && rows[0][2] == "succeed")
            #expect(rows[0][3].contains("\"key\":\"kyc\"") && !rows[0][3].contains("123456"))
            #expect(rows[0][4] == member.uid)
            #expect(rows[1][0] == "withdraws" && rows[1][1] == "read" && rows[1][2] == "denied")
        }
    }

    @Test func apiKeyRequests() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let created = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": authenticator.next()], login: login)
            let kid = try #require(created.json["kid"] as? String)
            let secret = try #require(created.json["secret"] as? String)
            func sign(_ nonce: String, kid: String = kid, secret: String = secret) -> String {
                Data(HMAC<SHA256>.authenticationCode(for: Data((nonce + kid).utf8), using: SymmetricKey(data: Data(secret.utf8)))).hexString
            }
            func call(kid: String? = kid, nonce: String?, signature: String?) async throws -> TestResponse {
                var headers: HTTPFields = [:]
                if let kid { headers[.authApiKey] = kid }
                if let nonce { headers[.authNonce] = nonce }
                if let signature { headers[.authSignature] = signature }
                return try await client.send(.post, "/api/v2/peatio/market/orders", headers: headers)
            }
            let nowMS = harness.clock.now() * 1000
            let nonce = String(nowMS)
            #expect(try await call(nonce: nonce, signature: nil).status == .unprocessableContent)
            #expect(try await call(nonce: nonce, signature: "").errors == ["authz.invalid_api_key_headers"])
            #expect(try await call(nonce: "abc", signature: "x").errors == ["authz.nonce_not_valid_timestamp"])
            #expect(try await call(nonce: "-5", signature: "x").errors == ["authz.nonce_not_valid_timestamp"])
            #expect(try await call(nonce: String(nowMS - 60_000), signature: sign(String(nowMS - 60_000))).errors == ["authz.nonce_expired"])
            #expect(try await call(nonce: String(nowMS + 60_000), signature: sign(String(nowMS + 60_000))).errors == ["authz.nonce_expired"])
            #expect(try await call(kid: "ffffffffffffffff", nonce: nonce, signature: sign(nonce)).errors == ["authz.unexistent_apikey"])
            #expect(try await call(nonce: nonce, signature: sign(nonce, secret: "wrong")).errors == ["authz.invalid_signature"])

            let ok = try await call(nonce: nonce, signature: sign(nonce).uppercased())
            #expect(ok.status == .ok, "no CSRF for API keys; hex compared case-insensitively")
            #expect(claims(of: try #require(bearer(ok)))["uid"] as? String == login.uid)
            let replay = try await call(nonce: nonce, signature: sign(nonce))
            #expect(replay.status == .unauthorized)
            #expect(replay.errors == ["authz.nonce_expired"])

            _ = try await client.send(.patch, "/resource/api_keys/\(kid)", json: ["state": "disabled", "totp_code": authenticator.next()], login: login)
            let next = String(harness.clock.now() * 1000 + 1)
            #expect(try await call(nonce: next, signature: sign(next)).errors == ["authz.apikey_not_active"])
            _ = try await client.send(.patch, "/resource/api_keys/\(kid)", json: ["state": "active", "totp_code": authenticator.next()], login: login)
            _ = try await client.send(.post, "/resource/otp/disable", json: ["code": authenticator.next()], login: login)
            let later = String(harness.clock.now() * 1000 + 2)
            #expect(try await call(nonce: later, signature: sign(later)).errors == ["authz.apikey_not_active"],
                    "disabling 2FA disables the user's keys")
        }
    }

    @Test func serviceAccountKeys() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("owner@example.com", clock: harness.clock)
            let owner = try #require(try await harness.store.read { tx in try await tx.user(email: "owner@example.com") })
            let now = harness.clock.now()
            let account = try await harness.store.write { tx in
                try await tx.insertServiceAccount(ServiceAccount(
                    id: 0, uid: "SI0000000001", ownerID: owner.id, email: "bot@example.com", role: "service_account",
                    level: 1, state: "active", createdAt: now, updatedAt: now
                ))
            }
            let list = try await client.send(.get, "/resource/service_accounts", login: login)
            #expect(list.jsonArray.first?["uid"] as? String == account.uid)
            #expect((list.jsonArray.first?["user"] as? [String: Any])?["email"] as? String == "owner@example.com")
            #expect(try await client.send(.get, "/resource/service_accounts/api_keys", login: login).errors
                    == ["resource.serviceaccount.missing_service_account_uid"])
            #expect(try await client.send(.get, "/resource/service_accounts/api_keys?service_account_uid=SI9", login: login).errors
                    == ["resource.service_account.doesnt_exist"])
            #expect(try await client.send(.post, "/resource/service_accounts/api_keys", json: [
                "service_account_uid": account.uid, "algorithm": "HS256",
            ], login: login).errors == ["resource.service_accounts.missing_totp"])
            let created = try await client.send(.post, "/resource/service_accounts/api_keys", json: [
                "service_account_uid": account.uid, "algorithm": "HS256", "totp_code": authenticator.next(),
            ], login: login)
            #expect(created.status == .created)
            let kid = try #require(created.json["kid"] as? String)
            let secret = try #require(created.json["secret"] as? String)
            let keys = try await client.send(.get, "/resource/service_accounts/api_keys?service_account_uid=\(account.uid)", login: login)
            #expect(keys.jsonArray.map { $0["kid"] as? String } == [kid])
            let nonce = String(harness.clock.now() * 1000)
            let signature = Data(HMAC<SHA256>.authenticationCode(for: Data((nonce + kid).utf8), using: SymmetricKey(data: Data(secret.utf8)))).hexString
            let authorized = try await client.send(.get, "/api/v2/peatio/account/balances", headers: [
                .authApiKey: kid, .authNonce: nonce, .authSignature: signature,
            ])
            #expect(authorized.status == .ok)
            let c = claims(of: try #require(bearer(authorized)))
            #expect(c["uid"] as? String == account.uid)
            #expect(c["email"] as? String == "owner@example.com")
            #expect(c["role"] as? String == "service_account")
            let updated = try await client.send(.put, "/resource/service_accounts/api_keys/\(kid)", json: [
                "service_account_uid": account.uid, "state": "disabled", "totp_code": authenticator.next(),
            ], login: login)
            #expect(updated.json["state"] as? String == "disabled")
            let deleted = try await client.send(.delete, "/resource/service_accounts/api_keys/\(kid)", json: [
                "service_account_uid": account.uid, "totp_code": authenticator.next(),
            ], login: login)
            #expect(deleted.status == .noContent)
        }
    }
}
