import Foundation
import HummingbirdTesting
import JWTKit
import PortcullisIntegrations
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct ResourceAuthTests {
    @Test func noCredentialIsInvalidSession() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.get, "/resource/users/me")
            #expect(response.status == .unauthorized)
            #expect(response.errors == ["authz.invalid_session"])
            let forged = try await client.send(.get, "/resource/users/me", login: Login(cookie: "forged", csrf: "", uid: ""))
            #expect(forged.errors == ["authz.invalid_session"])
        }
    }

    @Test func csrfIsRequiredOnStateChangingCalls() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let missing = try await client.send(.put, "/resource/users/me", json: ["data": "{}"], login: login, csrf: "")
            #expect(missing.status == .unauthorized)
            #expect(missing.errors == ["authz.missing_csrf_token"])
            let wrong = try await client.send(.put, "/resource/users/me", json: ["data": "{}"], login: login, csrf: "0000000000aaaaaaaaaa")
            #expect(wrong.errors == ["authz.csrf_token_mismatch"])
            let noCookie = try await client.send(.put, "/resource/users/me", json: ["data": "{}"])
            #expect(noCookie.errors == ["authz.missing_csrf_token"])
            let right = try await client.send(.put, "/resource/users/me", json: ["data": "{}"], login: login)
            #expect(right.status == .ok)
            #expect(right.json["data"] as? String == "{}")
        }
    }

    @Test func csrfProtectionCanBeOff() async throws {
        try await Harness.run({ $0.csrfProtection = false }) { _, client in
            let login = try await client.signup("user@example.com")
            let response = try await client.send(.put, "/resource/users/me", json: ["data": "{}"], login: login, csrf: "")
            #expect(response.status == .ok)
            #expect(response.json["data"] as? String == "{}")
        }
    }

    @Test func anotherUserAgentDestroysTheSession() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let stolen = try await client.send(.get, "/resource/users/me", login: login, userAgent: "evil")
            #expect(stolen.status == .unauthorized)
            #expect(stolen.errors == ["authz.client_session_mismatch"])
            let owner = try await client.send(.get, "/resource/users/me", login: login)
            #expect(owner.errors == ["authz.invalid_session"])
        }
    }

    @Test func expiredSessionIsAMismatch() async throws {
        try await Harness.run({ $0.sessionExpireTime = 1 }) { _, client in
            let login = try await client.signup("user@example.com")
            try await Task.sleep(for: .milliseconds(2100))
            let response = try await client.send(.get, "/resource/users/me", login: login)
            #expect(response.errors == ["authz.client_session_mismatch"])
        }
    }

    @Test func bannedUserWithASessionIsNotActive() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            try await harness.setState("user@example.com", .banned)
            let response = try await client.send(.get, "/resource/users/me", login: login)
            #expect(response.status == .unauthorized)
            #expect(response.errors == ["authz.user_not_active"])
        }
    }

    @Test func bearerTokenFromTheGatewayIsAccepted() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let keys = JWTKeyCollection()
            await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: testPrivateKeyPEM), digestAlgorithm: .sha256)
            let now = Date()
            let seconds = Int64(now.timeIntervalSince1970)
            let claims = GatewayClaims(
                uid: login.uid, email: "user@example.com", username: nil, referralID: nil, role: "superadmin", level: 1,
                state: "active", iat: seconds, exp: seconds + 60, jti: "0123456789abcdef0123"
            )
            let token = try await keys.sign(claims)
            let response = try await client.send(.get, "/resource/users/me", headers: [.authorization: "Bearer \(token)"])
            #expect(response.status == .ok)
            #expect(response.json["uid"] as? String == login.uid)
            // A bearer call needs no CSRF token: it is not a browser cookie.
            let update = try await client.send(.put, "/resource/users/me", json: ["data": "{}"], headers: [.authorization: "Bearer \(token)"])
            #expect(update.status == .ok)
            #expect(update.json["uid"] as? String == login.uid)

            for tampered in [TokenTampering.changedSignature(token), TokenTampering.respelledSignature(token)] {
                let refused = try await client.send(.get, "/resource/users/me", headers: [.authorization: "Bearer \(tampered)"])
                #expect(refused.status == .unauthorized)
                #expect(refused.errors == ["jwt.decode_and_verify"])
            }
            let expired = try await keys.sign(GatewayClaims(
                uid: login.uid, email: "user@example.com", username: nil, referralID: nil, role: "member", level: 1,
                state: "active", iat: seconds, exp: seconds - 10, jti: "0123456789abcdef0123", aud: ["barong"]
            ))
            let old = try await client.send(.get, "/resource/users/me", headers: [.authorization: "Bearer \(expired)"])
            #expect(old.errors == ["jwt.decode_and_verify"])
        }
    }
}
