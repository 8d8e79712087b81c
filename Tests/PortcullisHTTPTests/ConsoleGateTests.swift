import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// Walks the console's routes as the router registered them:
/// every gated route sends a browser without a console session to the
/// sign-in page, refuses an operator whose role lacks its ability (a page:
/// 403; an action: back with the refusal, nothing done), and every action
/// refuses a form without the session's CSRF token. A console route added
/// without an entry here fails the coverage check.
struct ConsoleGateTests {
    /// Gated routes and the ability each declares (nil: any signed-in operator).
    static let gated: [String: (AbilityTable.Action, String)?] = [
        "GET /admin": (.read, "User"),
        "GET /admin/users": (.read, "User"),
        "GET /admin/users/{uid}": (.read, "User"),
        "GET /admin/users/{uid}/documents/{id}": (.read, "User"),
        "POST /admin/users/{uid}/state": (.update, "User"),
        "POST /admin/users/{uid}/disable_2fa": (.update, "User"),
        "POST /admin/users/{uid}/role": (.update, "User"),
        "POST /admin/users/{uid}/end_sessions": (.update, "User"),
        "POST /admin/users/{uid}/comments": (.update, "User"),
        "POST /admin/users/{uid}/labels": (.update, "Label"),
        "POST /admin/users/{uid}/labels/delete": (.destroy, "Label"),
        "GET /admin/kyc": (.read, "User"),
        "POST /admin/kyc/{uid}/document": (.update, "Label"),
        "POST /admin/kyc/{uid}/profile": (.update, "Profile"),
        "GET /admin/access": (.read, "Restriction"),
        "POST /admin/access/permissions": (.create, "Permission"),
        "POST /admin/access/permissions/{id}": (.update, "Permission"),
        "POST /admin/access/permissions/{id}/delete": (.destroy, "Permission"),
        "POST /admin/access/restrictions": (.create, "Restriction"),
        "POST /admin/access/restrictions/{id}": (.update, "Restriction"),
        "POST /admin/access/restrictions/{id}/delete": (.destroy, "Restriction"),
        "GET /admin/activity": (.read, "Activity"),
        "GET /admin/activity.csv": (.read, "Activity"),
        "GET /admin/oidc": (.read, "OIDCClient"),
        "POST /admin/oidc/clients": (.create, "OIDCClient"),
        "GET /admin/oidc/clients/{client_id}": (.read, "OIDCClient"),
        "POST /admin/oidc/clients/{client_id}": (.update, "OIDCClient"),
        "POST /admin/oidc/clients/{client_id}/secret": (.update, "OIDCClient"),
        "POST /admin/oidc/clients/{client_id}/delete": (.destroy, "OIDCClient"),
        "POST /admin/sign_out": nil,
    ]
    static let open: Set<String> = ["GET /admin/sign_in", "POST /admin/sign_in", "GET /admin/assets/console.css",
                                    "GET /admin/assets/console.js"]

    static func abilities() -> AbilityTable {
        var entries: [String: AbilityTable.Entry] = [:]
        for case let ability? in gated.values {
            entries[GateSweepTests.roleName(ability)] = .init(read: ability.0 == .read ? [] : [ability.1],
                                                              manage: GateSweepTests.subjects.filter { $0 != ability.1 })
        }
        entries["superadmin"] = .init(read: [], manage: ["all"])
        return AbilityTable(roles: Array(entries.keys), entries: entries)
    }

    @Test func everyConsoleRouteRefusesNoSessionAWrongRoleAndAMissingCSRFToken() async throws {
        try await Harness.run(abilities: Self.abilities()) { harness, client in
            let registered = harness.catalog.routes.filter { $0.contains(" /admin") }
            #expect(registered == Set(Self.gated.keys).union(Self.open), "every console route is in the sweep with its ability")
            let target = try await client.signup("target@example.com")
            let console = ConsoleClient(client: client, clock: harness.clock)
            for route in Self.gated.keys.sorted() {
                let (method, path) = try Self.concrete(route, uid: target.uid)
                let anonymous = try await console.send(method, path, cookie: nil, form: [:])
                #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/admin/sign_in", "\(route) without a session")
            }
            var operators: [String: ConsoleClient.Operator] = [:]
            for case let ability? in Self.gated.values where operators[GateSweepTests.roleName(ability)] == nil {
                let role = GateSweepTests.roleName(ability)
                operators[role] = try await console.operator(harness, "\(role.lowercased())@example.com", role: role)
            }
            for (route, ability) in Self.gated.sorted(by: { $0.key < $1.key }) {
                guard let ability, let op = operators[GateSweepTests.roleName(ability)] else { continue }
                let (method, path) = try Self.concrete(route, uid: target.uid)
                let refused = try await console.send(method, path, cookie: op.cookie, form: ["csrf_token": op.csrf, "back": "/admin/kyc"])
                if method == .get {
                    #expect(refused.status == .forbidden && refused.text.contains("admin.ability.not_permitted"), "\(route) without \(ability)")
                } else {
                    #expect(refused.status == .seeOther && refused.headers[.location] == "/admin/kyc", "\(route) without \(ability)")
                    #expect(console.flash(refused)?.text.contains("admin.ability.not_permitted") == true,
                            "\(route) without \(ability): \(String(describing: console.flash(refused)))")
                }
            }
            let root = try await console.operator(harness, "root@example.com", role: "superadmin")
            for route in Self.gated.keys.sorted() where route.hasPrefix("POST") {
                let (method, path) = try Self.concrete(route, uid: target.uid)
                for token in [nil, String(repeating: "0", count: 32)] {
                    let form = token.map { ["csrf_token": $0] } ?? [:]
                    let refused = try await console.send(method, path, cookie: root.cookie, form: form)
                    #expect(refused.status == .forbidden && refused.text.contains("admin.console.invalid_csrf_token"), "\(route) CSRF")
                }
            }
            // Nothing the refusals touched changed: the target is still active, and the root still signed in.
            #expect(try await harness.user("target@example.com")?.state == .active)
            #expect(try await console.send(.get, "/admin/users", cookie: root.cookie, form: [:]).status == .ok)
        }
    }

    @Test func aPendingUserOrOneWithout2FAIsNoOperator() async throws {
        try await Harness.run { harness, client in
            let console = ConsoleClient(client: client, clock: harness.clock)
            let pending = try await harness.staff(client, "pending@example.com", role: "superadmin")
            let authenticator = try await client.enableTwoFactor(login: pending, clock: harness.clock)
            try await harness.setState("pending@example.com", .pending)
            let refused = try await console.signIn("pending@example.com", code: authenticator.next())
            #expect(refused.status == .unauthorized && refused.text.contains("authz.user_not_active"), "\(refused.text)")
            _ = try await harness.staff(client, "plain@example.com", role: "superadmin")
            let plain = try await console.signIn("plain@example.com", code: "123456")
            #expect(plain.status == .unauthorized && plain.text.contains("admin.console.otp_required"), "\(plain.text)")
            #expect(ConsoleClient.cookie(ConsoleCookies.session, in: refused) == nil && ConsoleClient.cookie(ConsoleCookies.session, in: plain) == nil)
        }
    }

    static func concrete(_ route: String, uid: String) throws -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let method = HTTPRequest.Method(String(parts[0])) else { throw TestFailure("bad route \(route)") }
        return (method, String(parts[1]).replacingOccurrences(of: "{uid}", with: uid).replacingOccurrences(of: "{id}", with: "1")
            .replacingOccurrences(of: "{client_id}", with: "no-such-client"))
    }
}

/// Drives the console as a browser would: form posts with cookies.
struct ConsoleClient {
    let client: any TestClientProtocol
    let clock: TestClock

    struct Operator {
        let cookie: String
        let csrf: String
    }

    func send(_ method: HTTPRequest.Method, _ path: String, cookie: String?, form: [String: String],
              extraCookie: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .userAgent: "tests"]
        let cookies = [cookie.map { "\(ConsoleCookies.session)=\($0)" }, extraCookie].compactMap { $0 }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return try await client.execute(uri: path, method: method, headers: headers,
                                        body: method == .get ? nil : ByteBuffer(string: body))
    }

    /// A staff user with 2FA, signed in to the console: its cookie and the forms' CSRF token.
    func `operator`(_ harness: Harness, _ email: String, role: String) async throws -> Operator {
        let login = try await harness.staff(client, email, role: role)
        let authenticator = try await client.enableTwoFactor(login: login, clock: clock)
        try await harness.setState(email, .active)
        let signedIn = try await signIn(email, code: authenticator.next())
        guard signedIn.status == .seeOther, let cookie = Self.cookie(ConsoleCookies.session, in: signedIn) else {
            throw TestFailure("console sign-in of \(email): \(signedIn.status) \(signedIn.text)")
        }
        let page = try await send(.get, "/admin/users", cookie: cookie, form: [:])
        guard let range = page.text.range(of: #"name="csrf_token" value="[0-9a-f]+""#, options: .regularExpression) else {
            throw TestFailure("no CSRF token on the page of \(email): \(page.status)")
        }
        return Operator(cookie: cookie, csrf: String(page.text[range].dropFirst(25).dropLast()))
    }

    /// The sign-in form, fetched for its CSRF cookie, then posted.
    func signIn(_ email: String, code: String) async throws -> TestResponse {
        let form = try await send(.get, "/admin/sign_in", cookie: nil, form: [:])
        guard let signInCSRF = Self.cookie(ConsoleCookies.signInCSRF, in: form) else { throw TestFailure("no sign-in CSRF cookie") }
        return try await send(.post, "/admin/sign_in", cookie: nil, form: [
            "email": email, "password": strongPassword, "otp_code": code, "csrf_token": signInCSRF,
        ], extraCookie: "\(ConsoleCookies.signInCSRF)=\(signInCSRF)")
    }

    func flash(_ response: TestResponse) -> ConsoleFlash? {
        ConsoleFlash(cookie: Self.cookie(ConsoleCookies.flash, in: response))
    }

    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for value in response.headers[values: .setCookie] where value.hasPrefix(name + "=") {
            let rest = value.dropFirst(name.count + 1)
            return String(rest.prefix { $0 != ";" })
        }
        return nil
    }
}
