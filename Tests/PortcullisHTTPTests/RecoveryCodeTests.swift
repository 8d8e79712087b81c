import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// Recovery codes: made with the current TOTP code, shown once, counted,
/// each good for one sign-in in place of the TOTP code.
struct RecoveryCodeTests {
    @Test func codesAreShownOnceCountedAndEachSignsInOnce() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let made = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": authenticator.next()], login: login)
            #expect(made.status == .created)
            let codes = try #require(made.json["codes"] as? [String])
            #expect(codes.count == 10 && Set(codes).count == 10)
            #expect(codes.allSatisfy { $0.range(of: #"^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$"#, options: .regularExpression) != nil })
            let status = try await client.send(.get, "/resource/otp/recovery_codes", login: login)
            #expect(status.json["remaining"] as? Int == 10)
            #expect(!status.text.contains(codes[0]), "never shown again")

            // Spelling does not matter; each code works once.
            let spelled = " " + codes[0].uppercased().replacingOccurrences(of: "-", with: " ") + " "
            let first = try await client.send(.post, "/identity/sessions",
                                              json: ["email": "user@example.com", "password": strongPassword, "recovery_code": spelled])
            #expect(first.status == .ok, "\(first.text)")
            let again = try await client.send(.post, "/identity/sessions",
                                              json: ["email": "user@example.com", "password": strongPassword, "recovery_code": codes[0]])
            #expect(again.status == .forbidden && again.errors == ["identity.session.invalid_otp"])
            let both = try await client.send(.post, "/identity/sessions", json: [
                "email": "user@example.com", "password": strongPassword, "recovery_code": codes[1], "otp_code": "123456",
            ])
            #expect(both.status == .unprocessableContent && both.errors == ["identity.session.otp_and_recovery"])
            #expect(try await client.send(.get, "/resource/otp/recovery_codes", login: login).json["remaining"] as? Int == 9)

            // The session it opened says how it was opened.
            let opened = try first.login()
            let sessions = try await client.send(.get, "/resource/sessions", login: opened)
            #expect(sessions.text.contains(#""method":"recovery_code""#), "\(sessions.text)")

            // The use is announced and mailed (the count left in both).
            let events = try await harness.outboxEvents().filter { $0.name == "system.user.recovery_code.used" }
            #expect(events.count == 1 && events[0].payload.contains(#""remaining":9"#), "\(events)")
            let mails = try await harness.mails(atLeast: 1).filter { $0.subject.hasSuffix("a recovery code was used") }
            #expect(mails.count == 1 && mails[0].text.contains("9 of your recovery codes are left"))

            // A new set voids the old one; disabling 2FA deletes the set.
            let renewed = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": authenticator.next()], login: login)
            let fresh = try #require(renewed.json["codes"] as? [String])
            let old = try await client.send(.post, "/identity/sessions",
                                            json: ["email": "user@example.com", "password": strongPassword, "recovery_code": codes[2]])
            #expect(old.errors == ["identity.session.invalid_otp"])
            let disabled = try await client.send(.post, "/resource/otp/disable", json: ["code": authenticator.next()], login: login)
            #expect(disabled.status == .ok)
            let none = try await client.send(.get, "/resource/otp/recovery_codes", login: login)
            #expect(none.json["remaining"] as? Int == 0 && none.json["created_at"] is NSNull)
            _ = fresh
        }
    }

    @Test func makingCodesNeedsTwoFactorAndTheCurrentCode() async throws {
        try await Harness.run { harness, client in
            let plain = try await client.signup("plain@example.com")
            let refused = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": "123456"], login: plain)
            #expect(refused.status == .badRequest && refused.errors == ["resource.otp.not_enabled"])
            let (login, _) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let wrong = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": "000000"], login: login)
            #expect(wrong.status == .unprocessableContent && wrong.errors == ["resource.otp.invalid"])
            let missing = try await client.send(.post, "/resource/otp/recovery_codes", json: [:], login: login)
            #expect(missing.status == .unprocessableContent && missing.errors == ["resource.otp.missing_code"])
        }
    }

    @Test func normalizingRefusesWhatCannotBeACode() {
        #expect(RecoveryCodes.normalize("ABCDE-FGHJK") == "abcdefghjk")
        #expect(RecoveryCodes.normalize("abcde fghjk") == "abcdefghjk")
        #expect(RecoveryCodes.normalize("abcde-fghj") == nil, "too short")
        #expect(RecoveryCodes.normalize("abcde-fghj0") == nil, "0 is not in the alphabet")
        #expect(RecoveryCodes.normalize("abcde-fghj\u{0301}k") == nil, "a combining mark is not a code character")
        let codes = RecoveryCodes.generate()
        #expect(codes.allSatisfy { RecoveryCodes.normalize($0)?.count == 10 })
    }
}
