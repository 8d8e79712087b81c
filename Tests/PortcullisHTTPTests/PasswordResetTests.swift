import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct PasswordResetTests {
    let newPassword = "Zy8?nQ4!vbW3"

    @Test func resetByMailEndsEverySessionAndChangesThePassword() async throws {
        try await Harness.run({ $0.domain = "https://ex.example" }) { harness, client in
            let login = try await client.signup("user@example.com")
            let generate = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "User@example.com"])
            #expect(generate.status == .created)
            #expect(generate.text.isEmpty)
            let mail = try #require(try await harness.mails(atLeast: 1).first)
            #expect(mail.text.contains("https://ex.example/accounts/password_reset?reset_token="))
            let reset = try #require(token(in: mail, parameter: "reset_token"))

            let ok = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": reset, "password": newPassword, "confirm_password": newPassword,
            ])
            #expect(ok.status == .created)
            #expect(ok.text.isEmpty)
            #expect(ok.headers[.setCookie] == nil, "no session is opened")
            #expect(try await client.send(.get, "/resource/users/me", login: login).errors == ["authz.invalid_session"])
            let old = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(old.errors == ["identity.session.invalid_params"])
            let fresh = try await client.login("user@example.com", password: newPassword)
            let again = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": reset, "password": "Ab1!" + newPassword, "confirm_password": "Ab1!" + newPassword,
            ])
            #expect(again.errors == ["identity.user.utilized_token"])
            let activity = try await client.send(.get, "/resource/users/activity/password", login: fresh)
            let actions = activity.jsonArray.map { "\($0["action"] ?? "")/\($0["result"] ?? "")" }
            #expect(actions.contains("request password reset/succeed"))
            #expect(actions.contains("password reset/succeed"))
        }
    }

    @Test func onlyTheLatestResetTokenWorks() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("user@example.com")
            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            let first = try await harness.mailToken(0, "reset_token")
            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            let second = try await harness.mailToken(1, "reset_token")
            #expect(first != second)
            let older = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": first, "password": newPassword, "confirm_password": newPassword,
            ])
            #expect(older.status == .unprocessableContent)
            #expect(older.errors == ["identity.user.utilized_token"])
            let newer = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": second, "password": newPassword, "confirm_password": newPassword,
            ])
            #expect(newer.status == .created)
        }
    }

    @Test func paramAndRuleFailures() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let none = try await client.send(.post, "/identity/users/password/confirm_code")
            #expect(none.errors == ["identity.user.missing_pass_token", "identity.user.missing_password",
                                    "identity.user.missing_confirm_password"])
            let blank = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": "", "password": "", "confirm_password": "",
            ])
            #expect(blank.errors == ["identity.user.empty_reset_password_token", "identity.user.empty_password",
                                     "identity.user.empty_confirm_password"])
            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            let reset = try await harness.mailToken(0, "reset_token")
            let mismatch = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": reset, "password": newPassword, "confirm_password": newPassword + "x",
            ])
            #expect(mismatch.errors == ["identity.user.passwords_doesnt_match"])
            let weak = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": reset, "password": "Password1!", "confirm_password": "Password1!",
            ])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.errors == ["password.weak"])
            let activity = try await client.send(.get, "/resource/users/activity/password?result=failed", login: login)
            #expect(activity.jsonArray.first?["action"] as? String == "password reset")
            #expect(activity.jsonArray.first?["data"] as? String == #"{"reason":"Password is too weak"}"#)
            // The weak attempt did not spend the token.
            let ok = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": reset, "password": newPassword, "confirm_password": newPassword,
            ])
            #expect(ok.status == .created)
            let confirmation = try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": reset])
            #expect(confirmation.errors == ["jwt.decode_and_verify.reset"])
        }
    }

    @Test func unknownEmailGetsTheSameAnswerAndNoMail() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("user@example.com")
            let unknown = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "ghost@example.com"])
            #expect(unknown.status == .created)
            #expect(unknown.text.isEmpty)
            try await Task.sleep(for: .milliseconds(200))
            #expect(await harness.deliverMail().isEmpty)
        }
    }
}

struct CaptchaTests {
    @Test func requiredWhenConfiguredForTheEndpoint() async throws {
        try await Harness.run({ $0.captcha = .recaptcha; $0.recaptchaVerifyURL = "http://127.0.0.1:1/siteverify" }) { _, client in
            let signup = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword])
            #expect(signup.status == .badRequest)
            #expect(signup.errors == ["identity.captcha.required"])
            let blank = try await client.send(.post, "/identity/sessions", json: ["email": "a@example.com", "password": "x", "captcha_response": " "])
            #expect(blank.errors == ["identity.captcha.required"])
            let down = try await client.send(.post, "/identity/users/password/generate_code", json: [
                "email": "a@example.com", "captcha_response": "token",
            ])
            #expect(down.status == .unprocessableContent)
            #expect(down.errors == ["identity.captcha.verification_failed"])
            // Params are checked before the captcha.
            let params = try await client.send(.post, "/identity/users/email/generate_code", json: [:])
            #expect(params.errors == ["identity.user.missing_email"])
        }
    }

    @Test func unprotectedEndpointsIgnoreIt() async throws {
        try await Harness.run({ $0.captcha = .recaptcha; $0.captchaProtectedEndpoints = ["session_create"] }) { _, client in
            let signup = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword])
            #expect(signup.status == .created)
            #expect(signup.json["email"] as? String == "a@example.com")
        }
    }

    @Test func geetestNeedsItsThreeFields() async throws {
        try await Harness.run({ $0.captcha = .geetest; $0.geetestID = "gid"; $0.geetestKey = "gkey"; $0.geetestAPIURL = "http://127.0.0.1:1" }) { _, client in
            let text = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": strongPassword, "captcha_response": "x"])
            #expect(text.status == .badRequest)
            #expect(text.errors == ["identity.captcha.mandatory_fields"])
            let partial = try await client.send(.post, "/identity/users", form: "email=a%40example.com&password=x&captcha_response[geetest_challenge]=c")
            #expect(partial.errors == ["identity.captcha.mandatory_fields"])
            let wrong = try await client.send(.post, "/identity/users", form:
                "email=a%40example.com&password=x&captcha_response[geetest_challenge]=c&captcha_response[geetest_validate]=v&captcha_response[geetest_seccode]=s")
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.errors == ["identity.captcha.verification_failed"])
            let register = try await client.send(.get, "/identity/users/register_geetest")
            #expect(register.status == .ok)
            #expect(register.text == #"{"gt":"gid","challenge":""}"#)
        }
    }

    @Test func registerGeetestWithoutGeetestMakesNoCall() async throws {
        try await Harness.run { _, client in
            let register = try await client.send(.get, "/identity/users/register_geetest")
            #expect(register.text == #"{"gt":"","challenge":""}"#)
        }
    }
}
