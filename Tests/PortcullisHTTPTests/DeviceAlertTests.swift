import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// New sign-in alerts: a device or a country the user has not signed in
/// from mails once (with the freeze link) and emits
/// `system.session.new_device`; the same device never again; a forgotten
/// device alerts again. The first sign-in after signup alerts nobody.
struct DeviceAlertTests {
    static let firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

    /// The device cookie a sign-in set, as a Cookie header value.
    static func deviceCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(DeviceCookie.name + "=") }?
            .split(separator: ";").first.map(String.init)
    }

    @Test func aNewDeviceOrCountryMailsOnceAndAForgottenOneAgain() async throws {
        try await Harness.run(geo: FixedGeoLocator()) { harness, client in
            _ = try await client.signup("user@example.com")
            func signIn(cookie: String? = nil, from ip: String = "10.2.0.1",
                        agent: String = DeviceAlertTests.firefox) async throws -> TestResponse {
                var headers: HTTPFields = [.init("X-Forwarded-For")!: ip]
                if let cookie { headers[.cookie] = cookie }
                return try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword],
                                             userAgent: agent, headers: headers)
            }
            func alerts() async throws -> [(name: String, payload: String)] {
                try await harness.outboxEvents().filter { $0.name == EventName.newDevice }
            }
            let first = try await signIn()
            let none = try await alerts()
            #expect(first.status == .ok && none.isEmpty, "the first sign-in after signup alerts nobody")
            let laptop = try #require(Self.deviceCookie(first))
            _ = try await signIn(cookie: laptop)
            #expect(try await alerts().isEmpty, "a known device")

            // A hostile User-Agent from a new browser: one alert, its text clean.
            let hostile = "Evil\r\nBcc: x@example.com\u{202E}gnp.exe Firefox/99.0"
            _ = try await signIn(agent: hostile)
            #expect(try await alerts().count == 1)
            let payload = try #require(try await alerts().first?.payload)
            #expect(payload.contains(#""method":"password""#) && payload.contains(#""user_ip":"10.2.0.1""#), "\(payload)")
            let mail = try #require(try await harness.mails(atLeast: 1).first { $0.subject.hasSuffix("new sign-in to your account") })
            #expect(mail.text.contains("IP address: 10.2.0.1") && mail.text.contains("Signed in with: password"), "\(mail.text)")
            #expect(mail.text.contains("freeze_token=") && !mail.text.contains("\u{202E}") && !mail.text.contains("\r\nBcc:"), "\(mail.text)")

            // A known device from a new country alerts; from the same country again it does not.
            _ = try await signIn(cookie: laptop, from: "10.1.0.9")
            #expect(try await alerts().count == 2, "a new country (DE)")
            let described = try await harness.mails(atLeast: 2).filter { $0.subject.hasSuffix("new sign-in to your account") }
            #expect(described.last?.text.contains("IP address: 10.1.0.9 (DE)") == true)
            // `make` installs Debian's uap-core: without its regexes.yaml this fails rather than passes unseen.
            _ = try #require(UserAgentParser.load(), "uap-core's regexes.yaml")
            #expect(described.last?.text.contains("Browser: Firefox 120 on Ubuntu") == true, "\(described.last?.text ?? "")")
            _ = try await signIn(cookie: laptop, from: "10.1.0.10")
            #expect(try await alerts().count == 2)

            // The list, the current device, and forgetting one (its next sign-in alerts again).
            let login = try await signIn(cookie: laptop, from: "10.1.0.9").login()
            func asLaptop(_ method: HTTPRequest.Method, _ path: String) async throws -> TestResponse {
                let headers: HTTPFields = [.cookie: "_barong_session=\(login.cookie); \(laptop)", .userAgent: Self.firefox,
                                           .init("X-Forwarded-For")!: "10.1.0.9", .csrfToken: login.csrf]
                return try await client.execute(uri: base + path, method: method, headers: headers, body: nil)
            }
            let listed = try await asLaptop(.get, "/resource/devices")
            let devices = listed.jsonArray
            #expect(devices.count == 3, "\(listed.text)")
            let current = try #require(devices.first { $0["current"] as? Bool == true })
            #expect(current["user_ip_country"] as? String == "DE" && current["user_agent"] as? String == Self.firefox)
            let id = try #require(current["id"] as? Int)
            let other = try await client.signup("other@example.com")
            #expect(try await client.send(.delete, "/resource/devices/\(id)", login: other).errors == [ErrorKey.Device.doesntExist])
            #expect(try await asLaptop(.delete, "/resource/devices/\(id)").text == "{}")
            _ = try await signIn(cookie: laptop, from: "10.1.0.9")
            #expect(try await alerts().count == 3, "a forgotten device alerts again")
        }
    }
}
