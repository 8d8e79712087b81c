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
            #expect(made.headers[.cacheControl] == "no-store", "no cache keeps the codes")
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
            let new = try await client.send(.post, "/identity/sessions",
                                            json: ["email": "user@example.com", "password": strongPassword, "recovery_code": fresh[0]])
            #expect(new.status == .ok && new.json["email"] as? String == "user@example.com", "\(new.text)")
            let disabled = try await client.send(.post, "/resource/otp/disable", json: ["code": authenticator.next()], login: login)
            #expect(disabled.status == .ok)
            let none = try await client.send(.get, "/resource/otp/recovery_codes", login: login)
            #expect(none.json["remaining"] as? Int == 0 && none.json["created_at"] is NSNull)
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

    /// Every state-changing resource route, walked from the router's table as
    /// a session a recovery code opened: exactly the routes that ask a proof
    /// (and are not a mere check) refuse it for 15 minutes, then let it through.
    @Test func aRecoverySessionMakesNoSensitiveWriteForFifteenMinutes() async throws {
        try await Harness.run { harness, client in
            harness.clock.freeze()
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let made = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": authenticator.next()], login: login)
            let codes = try #require(made.json["codes"] as? [String])
            let recovered = try await client.send(.post, "/identity/sessions",
                                                  json: ["email": "user@example.com", "password": strongPassword, "recovery_code": codes[0]])
            let session = try recovered.login()
            // The proof routes but the mere check, the passkey registration's second step, passkey
            // deletion, and step-up challenges (one for otp_sign would approve a withdrawal past the hold).
            let expected = SecondFactorSweepTests.knownProofRoutes.subtracting(["POST /otp/verify"]).union(["POST /passkeys", "DELETE /passkeys/{id}", "POST /passkeys/step_up/options"])
            // An ordinary session of the same user is not held.
            let plain = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": authenticator.next()],
                                              login: login)
            #expect(plain.status == .created, "\(plain.text)")
            let routes = GateSweepTests.routes(harness.catalog, group: "resource")
                .filter { CSRFRule.stateChangingMethods.contains($0.method.rawValue) }
            func refused() async throws -> Set<String> {
                var found: Set<String> = []
                for (method, path) in routes {
                    let concrete = "/resource" + path.replacingOccurrences(of: "{kid}", with: "0123456789abcdef")
                        .replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "x")
                    let answer = try await client.send(method, concrete, json: ["code": "000000", "totp_code": "000000"], login: session)
                    if answer.errors == ["resource.session.recovery_restricted"] {
                        #expect(answer.status == .forbidden)
                        found.insert("\(method.rawValue) \(path)")
                    }
                }
                return found
            }
            let first = try await refused()
            #expect(first == expected, "\(first.symmetricDifference(expected))")
            // A bearer the gateway mints from that session is held as the session is.
            let authorized = try await client.send(.get, "/api/v2/peatio/account/orders", login: session)
            let token = try #require(authorized.headers[.authorization])
            let viaBearer = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": "000000"],
                                                  headers: [.authorization: token])
            #expect(viaBearer.status == .forbidden && viaBearer.errors == ["resource.session.recovery_restricted"], "\(viaBearer.text)")
            // Each refusal is an activity row naming the route.
            let held = try await StepUpTests.activities(harness).filter { $0.action == "sensitive write" && $0.result == "failed" }
            #expect(held.count == expected.count + 1, "\(held.count) rows for \(expected.count + 1) refusals")
            #expect(held.contains { $0.data.contains(#""route":"POST \/api\/v2\/auth\/resource\/api_keys""#) }, "\(held.map(\.data))")
            harness.clock.advance(SessionService.recoveryRestriction + 1)
            #expect(try await refused().isEmpty, "15 minutes later the session writes as any other")
            let later = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": "000000"],
                                              headers: [.authorization: token])
            #expect(later.errors != ["resource.session.recovery_restricted"], "\(later.text)")
        }
    }
}
