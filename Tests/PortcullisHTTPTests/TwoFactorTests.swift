import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct TwoFactorTests {
    @Test func qrCodeAndOtpauthURL() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let response = try await client.send(.post, "/resource/otp/generate_qrcode", login: login)
            #expect(response.status == .created)
            let data = try #require(response.json["data"] as? [String: Any])
            let url = try #require(data["url"] as? String)
            #expect(url.hasPrefix("otpauth://totp/Portcullis:user@example.com?algorithm=SHA1&digits=6&issuer=Portcullis&period=30&secret="))
            let png = try #require(Data(base64Encoded: data["barcode"] as? String ?? ""))
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 300 && height == 300)
            #expect(response.json.keys.contains("request_id") && response.json.keys.contains("lease_duration"))
            let activity = try await client.send(.get, "/resource/users/activity/otp", login: login)
            #expect(activity.jsonArray.first?["action"] as? String == "request QR code for 2FA")
        }
    }

    @Test func enableVerifyDisable() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let other = try await client.login("user@example.com")
            #expect(try await client.send(.post, "/resource/otp/enable", login: login).errors == ["resource.otp.missing_code"])
            #expect(try await client.send(.post, "/resource/otp/enable", json: ["code": ""], login: login).errors == ["resource.otp.empty_code"])
            let noSecret = try await client.send(.post, "/resource/otp/enable", json: ["code": "123456"], login: login)
            #expect(noSecret.status == .unprocessableContent)
            #expect(noSecret.errors == ["resource.otp.invalid"])
            #expect(try await client.send(.post, "/resource/otp/verify", json: ["code": "123456"], login: login).errors == ["resource.otp.not_enabled"])

            let qr = try await client.send(.post, "/resource/otp/generate_qrcode", login: login)
            let authenticator = try Authenticator(url: (qr.json["data"] as? [String: Any])?["url"] as? String ?? "", clock: harness.clock)
            let wrong = try await client.send(.post, "/resource/otp/enable", json: ["code": "000000"], login: login)
            #expect(wrong.errors == ["resource.otp.invalid"])
            let code = authenticator.next()
            let enabled = try await client.send(.post, "/resource/otp/enable", json: ["code": code], login: login)
            #expect(enabled.status == .created)
            #expect(enabled.text == "200")
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect(me.json["otp"] as? Bool == true)
            #expect((me.json["labels"] as? [[String: Any]])?.contains { $0["key"] as? String == "otp" && $0["value"] as? String == "enabled" } == true)
            #expect(try await client.send(.get, "/resource/users/me", login: other).errors == ["authz.invalid_session"])
            #expect(try await client.send(.post, "/resource/otp/generate_qrcode", login: login).errors == ["resource.otp.already_enabled"])
            #expect(try await client.send(.post, "/resource/otp/enable", json: ["code": code], login: login).errors == ["resource.otp.already_enabled"])

            // A code is spent once used.
            #expect(try await client.send(.post, "/resource/otp/verify", json: ["code": code], login: login).errors == ["resource.otp.invalid"])
            let verified = try await client.send(.post, "/resource/otp/verify", json: ["code": authenticator.next()], login: login)
            #expect(verified.status == .created)

            #expect(try await client.send(.post, "/resource/otp/disable", json: ["code": "000000"], login: login).errors == ["resource.otp.invalid"])
            let disabled = try await client.send(.post, "/resource/otp/disable", json: ["code": authenticator.next()], login: login)
            #expect(disabled.status == .ok)
            let after = try await client.send(.get, "/resource/users/me", login: login)
            #expect(after.json["otp"] as? Bool == false)
            #expect((after.json["labels"] as? [[String: Any]])?.contains { $0["key"] as? String == "otp" } == false)
            let secret = try await harness.store.read { tx in try await tx.otpSecret(userID: 1) }
            #expect(secret == nil, "the seed is discarded")
            #expect(try await client.send(.post, "/resource/otp/disable", json: ["code": "123456"], login: login).errors == ["resource.otp.not_enabled"])
        }
    }

    @Test func loginNeedsTheCodeOnceTwoFactorIsOn() async throws {
        try await Harness.run { harness, client in
            let (_, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let missing = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(missing.status == .unauthorized)
            #expect(missing.errors == ["identity.session.missing_otp"])
            let wrong = try await client.send(.post, "/identity/sessions", json: [
                "email": "user@example.com", "password": strongPassword, "otp_code": "000000",
            ])
            #expect(wrong.status == .forbidden)
            #expect(wrong.errors == ["identity.session.invalid_otp"])
            let ok = try await client.send(.post, "/identity/sessions", json: [
                "email": "user@example.com", "password": strongPassword, "otp_code": authenticator.next(),
            ])
            #expect(ok.status == .ok)
            let activity = try await client.send(.get, "/resource/users/activity/session", login: try ok.login())
            let actions = activity.jsonArray.map { "\($0["action"] ?? "")/\($0["result"] ?? "")" }
            #expect(actions.contains("login::2fa/succeed") && actions.contains("login::2fa/failed"))
        }
    }

    @Test func guessingIsThrottled() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            for _ in 0..<5 {
                _ = try await client.send(.post, "/resource/otp/verify", json: ["code": "000000"], login: login)
            }
            harness.clock.advance(-30)  // so a slow request on a loaded machine cannot outlast the one-second wait
            let blocked = try await client.send(.post, "/resource/otp/verify", json: ["code": "000000"], login: login)
            #expect(blocked.status == .tooManyRequests && blocked.errors == [ErrorKey.Session.tooManyAttempts],
                    "after 5 codes from one address the next waits (the login throttle)")
            // The wait is a second, never a lock: once it has passed the right code works.
            harness.clock.advance(30)
            let right = try await client.send(.post, "/resource/otp/verify", json: ["code": authenticator.next()], login: login)
            #expect(right.status == .created || right.status == .ok, "\(right.status) \(right.text)")
        }
    }

    @Test func deleteMeChecksTheCode() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("admin@example.com")
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let wrong = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword, "otp_code": "000000"], login: login)
            #expect(wrong.errors == ["resource.user.invalid_otp"])
            let ok = try await client.send(.delete, "/resource/users/me", json: ["password": strongPassword, "otp_code": authenticator.next()], login: login)
            #expect(ok.status == .ok)
        }
    }
}
