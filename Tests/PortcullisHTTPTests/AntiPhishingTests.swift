import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore

/// The anti-phishing code: set with the password, shown first in every mail
/// (text and HTML), carried in system events for external mailers, and
/// nowhere else.
struct AntiPhishingTests {
    @Test func onlyLettersDigitsAndSpacesOfFourToTwentyAreACode() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            for bad in ["abc", String(repeating: "a", count: 21), "<b>bold</b>", "a\u{0301}bcd", "abc\u{202E}def", "ab\r\ncd",
                        "tab\there", "two  spaces", "émoji 😀", "a\u{200B}bcd", "\u{3164}\u{3164}\u{3164}\u{3164}", "\u{115F}\u{115F}\u{115F}\u{115F}"] {
                let refused = try await client.send(.put, "/resource/users/anti_phishing", json: ["code": bad, "password": strongPassword],
                                                    login: login)
                #expect(refused.status == .unprocessableContent && refused.errors == [ErrorKey.ResourceUser.invalidAntiPhishingCode],
                        "\(bad.debugDescription): \(refused.text)")
            }
            let wrong = try await client.send(.put, "/resource/users/anti_phishing", json: ["code": "Blue harbor", "password": "Nope-1234!"],
                                              login: login)
            #expect(wrong.errors == [ErrorKey.ResourceUser.invalidPassword])
            for good in ["Blue harbor 42", "  Щит 42  ", "東京タワー"] {
                let set = try await client.send(.put, "/resource/users/anti_phishing", json: ["code": good, "password": strongPassword],
                                                login: login)
                #expect(set.status == .ok && set.text == "{}", "\(good): \(set.text)")
            }
        }
    }

    @Test func everyMailShowsItFirstAndNothingElseKeepsIt() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let code = "Щит 42 harbor"
            let missing = try await client.send(.put, "/resource/users/anti_phishing", json: ["code": code, "password": strongPassword],
                                                login: login)
            #expect(missing.errors == [ErrorKey.ResourceUser.missingOTPCode], "2FA on: the code too")
            let set = try await client.send(.put, "/resource/users/anti_phishing",
                                            json: ["code": code, "password": strongPassword, "otp_code": authenticator.next()], login: login)
            #expect(set.status == .ok, "\(set.text)")
            let sealed = try await harness.store.read { tx in try await tx.sealedAntiPhishingCode(userID: 1) }
            #expect(sealed != nil && sealed?.contains(code) == false, "sealed at rest")

            // A reset mail and a security notice.
            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            _ = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": authenticator.next()], login: login)
            // In system events' user, for mailers (ours and external), until every sink has it.
            let pending = try await harness.outboxEvents()
            #expect(pending.contains { $0.name == EventName.recoveryCodesCreated && $0.payload.contains(#""anti_phishing_code":"\#(code)""#) })
            let mails = try await harness.mails(atLeast: 3).filter { $0.to == "user@example.com" }
            let later = mails.filter { !$0.subject.hasSuffix("two-factor authentication was turned on") }
            #expect(later.count >= 2, "\(mails.map(\.subject))")
            for mail in later {
                #expect(mail.text.hasPrefix("Your anti-phishing code: \(code)\r\n"), "\(mail.subject): \(mail.text.prefix(80))")
                let body = try #require(mail.html.range(of: "<body>\r\n"))
                #expect(mail.html[body.upperBound...].hasPrefix("<p>Your anti-phishing code: \(code)</p>"), "\(mail.subject) HTML")
            }
            // Delivered, the rows keep it no more; never in model events or activities.
            let events = try await harness.outboxEvents()
            #expect(!events.contains { $0.payload.contains(code) }, "\(events.filter { $0.payload.contains(code) }.map(\.name))")
            #expect(events.contains { $0.name == EventName.recoveryCodesCreated && $0.payload.contains(#""anti_phishing_code":"<delivered>""#) })
            #expect(!(try await StepUpTests.activities(harness)).contains { $0.data.contains(code) || $0.action.contains(code) })

            // Cleared, it is gone from the next mail.
            let cleared = try await client.send(.delete, "/resource/users/anti_phishing",
                                                json: ["password": strongPassword, "otp_code": authenticator.next()], login: login)
            #expect(cleared.status == .ok, "\(cleared.text)")
            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            let last = try await harness.mails(atLeast: mails.count + 1).last
            #expect(last?.text.hasPrefix("Hello,") == true, "\(last?.text.prefix(60) ?? "")")
        }
    }
}
