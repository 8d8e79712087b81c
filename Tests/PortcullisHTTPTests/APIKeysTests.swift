import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct APIKeysTests {
    @Test func twoFactorIsRequired() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let response = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": "123456"], login: login)
            #expect(response.status == .badRequest)
            #expect(response.errors == ["resource.api_key.2fa_disabled"])
            let list = try await client.send(.get, "/resource/api_keys", login: login)
            #expect(list.status == .ok)
            #expect(list.jsonArray.isEmpty)
        }
    }

    @Test func createListUpdateDelete() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            #expect(try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256"], login: login).errors
                    == ["resource.api_key.missing_totp"])
            #expect(try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": "000000"], login: login).errors
                    == ["resource.api_key.invalid_totp"])
            #expect(try await client.send(.post, "/resource/api_keys", json: ["totp_code": "000000"], login: login).errors
                    == ["resource.apikey.missing_algorithm"])
            #expect(try await client.send(.post, "/resource/api_keys", json: ["algorithm": "RS256", "totp_code": authenticator.next()], login: login).errors
                    == ["algorithm.inclusion"])

            let created = try await client.send(.post, "/resource/api_keys", json: [
                "algorithm": "HS256", "scope": "trade,withdraw", "totp_code": authenticator.next(),
            ], login: login)
            #expect(created.status == .created)
            let kid = try #require(created.json["kid"] as? String)
            #expect(kid.count == 16 && kid.allSatisfy(\.isHexDigit))
            #expect((created.json["secret"] as? String)?.count == 32)
            #expect(created.json["scope"] as? [String] == ["trade", "withdraw"])
            #expect(created.json["state"] as? String == "active")

            let list = try await client.send(.get, "/resource/api_keys?ordering=desc&order_by=created_at", login: login)
            #expect(list.jsonArray.count == 1)
            #expect(list.jsonArray.first?["secret"] == nil)
            #expect(list.headers[.total] == "1")
            #expect(try await client.send(.get, "/resource/api_keys?ordering=up", login: login).errors == ["resource.api_key.invalid_ordering"])
            #expect(try await client.send(.get, "/resource/api_keys?order_by=secret_encrypted", login: login).errors
                    == ["resource.api_key.invalid_attribute"])

            #expect(try await client.send(.patch, "/resource/api_keys/\(kid)", json: ["state": "paused", "totp_code": authenticator.next()], login: login).errors
                    == ["state.inclusion"])
            #expect(try await client.send(.patch, "/resource/api_keys/0000000000000000", json: ["state": "disabled", "totp_code": authenticator.next()], login: login).errors
                    == ["record.not_found"])
            let patched = try await client.send(.patch, "/resource/api_keys/\(kid)", json: [
                "state": "disabled", "scope": "read", "totp_code": authenticator.next(),
            ], login: login)
            #expect(patched.status == .ok)
            #expect(patched.json["state"] as? String == "disabled")
            #expect(patched.json["scope"] as? [String] == ["read"])
            #expect(patched.json["secret"] == nil)
            let deleted = try await client.send(.delete, "/resource/api_keys/\(kid)", json: ["totp_code": authenticator.next()], login: login)
            #expect(deleted.status == .noContent)
            #expect(try await client.send(.delete, "/resource/api_keys/\(kid)", json: ["totp_code": authenticator.next()], login: login).errors
                    == ["record.not_found"])
        }
    }
}
