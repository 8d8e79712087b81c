import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisHTTP

struct InfoRoutesTests {
    @Test(arguments: ["public", "identity"])
    func pingTimeVersion(_ group: String) async throws {
        try await Harness.run { harness, client in
            harness.clock.freeze()
            let ping = try await client.send(.get, "/\(group)/ping")
            #expect(ping.status == .ok)
            #expect(ping.text == #"{"ping":"pong"}"#)
            let time = try await client.send(.get, "/\(group)/time")
            // The server's clock, not the wall clock a loaded machine may have moved on.
            #expect(Int64(time.json["time"] as? Int ?? 0) == harness.clock.now())
            let version = try await client.send(.get, "/\(group)/version")
            #expect(version.status == .ok)
            #expect(Set(version.json.keys) == ["git_tag", "git_sha", "build_date", "version"])
        }
    }

    @Test func configsOmitCaptchaIDUnlessRecaptcha() async throws {
        try await Harness.run { _, client in
            let configs = try await client.send(.get, "/identity/configs")
            #expect(configs.json["session_expire_time"] as? Int == 1800)
            #expect(configs.json["captcha_type"] as? String == "none")
            #expect(configs.json["captcha_id"] == nil)
            #expect(configs.json["password_min_entropy"] as? Int == 14)
            #expect(configs.json["phone_verification_type"] as? String == "mock")
        }
        try await Harness.run({ $0.captcha = .recaptcha; $0.recaptchaSiteKey = "site-key" }) { _, client in
            let configs = try await client.send(.get, "/public/configs")
            #expect(configs.json["captcha_type"] as? String == "recaptcha")
            #expect(configs.json["captcha_id"] as? String == "site-key")
        }
    }

    @Test func auth0ConfigsAreEmptyStringsWhenUnset() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.get, "/public/configs/auth0")
            #expect(response.text == #"{"auth0_domain":"","auth0_client_id":""}"#)
        }
    }

    @Test(arguments: ["public", "identity"])
    func passwordValidateReturnsTheGemsEntropy(_ group: String) async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.post, "/\(group)/password/validate", form: "password=Xq9%21mzPw%23Lk2")
            #expect(response.status == .created)
            #expect(response.json["entropy"] as? Double == 21.5)
            let missing = try await client.send(.post, "/\(group)/password/validate")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errors == ["\(group).general.missing_password"])
        }
    }

    @Test func unknownRoutesAndWrongMethodsUseTheEnvelope() async throws {
        try await Harness.run { _, client in
            let missing = try await client.send(.get, "/identity/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.errors == ["server.route_not_found"])
            let wrongMethod = try await client.send(.delete, "/public/ping")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.errors == ["server.method_not_allowed"])
            let resourceWrongMethod = try await client.send(.post, "/resource/users/me")
            #expect(resourceWrongMethod.status == .methodNotAllowed)
        }
    }
}

struct CORSTests {
    @Test func listedOriginsGetTheAllowHeadersOthersDoNot() async throws {
        try await Harness.run({ $0.apiCORSOrigins = "https://app.example.com"; $0.apiCORSAllowCredentials = true }) { _, client in
            let allowed = try await client.send(.get, "/public/ping", headers: [.origin: "https://app.example.com"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(allowed.headers[.accessControlAllowCredentials] == "true")
            let other = try await client.send(.get, "/public/ping", headers: [.origin: "https://evil.example.com"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let preflight = try await client.send(.options, "/identity/sessions", headers: [
                .origin: "https://app.example.com", .accessControlRequestMethod: "POST",
            ])
            #expect(preflight.status == .ok)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
        }
    }

    @Test func noOriginsMeansNoCORSHeaders() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.get, "/public/ping", headers: [.origin: "https://app.example.com"])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
