import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore

/// The OpenID Connect provider through the router (oidc.md): clients, the
/// code flow with PKCE and consent, tokens, and the refusals a conformance
/// run checks, each by its RFC error code.
struct OIDCFlowTests {
    static let loginURL = "https://exchange.test/signin"
    static let redirect = "https://app.test/callback"

    static func run(_ body: @Sendable (Harness, any TestClientProtocol, Login) async throws -> Void) async throws {
        try await Harness.run({ $0.oidcEnabled = true; $0.oidcLoginURL = loginURL; $0.domain = "auth.test" }) { harness, client in
            let admin = try await client.signup("root@example.com")  // the first user: superadmin
            try await body(harness, client, admin)
        }
    }

    /// A verifier and its S256 challenge.
    static func pkce() -> (verifier: String, challenge: String) {
        let verifier = Base64URL.encode(SecureRandom.bytes(32))
        return (verifier, Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))))
    }

    static func register(_ client: any TestClientProtocol, _ admin: Login, _ fields: [String: Any]) async throws -> [String: Any] {
        let created = try await client.send(.post, "/admin/oidc/clients", json: fields, login: admin)
        guard created.status == .created else { throw TestFailure("register: \(created.status) \(created.text)") }
        return created.json
    }

    static func query(_ location: String?) -> [String: String] {
        var out: [String: String] = [:]
        for item in URLComponents(string: location ?? "")?.queryItems ?? [] { out[item.name] = item.value ?? "" }
        return out
    }

    /// The same token with its last character's unused low bit flipped: the same bytes, another spelling.
    static func respelled(_ token: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        guard let last = token.last, let index = alphabet.firstIndex(of: last) else { return token }
        return String(token.dropLast()) + String(alphabet[index ^ 1])
    }

    static func basic(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()]
    }

    static func authorizePath(_ clientID: String, _ challenge: String, scope: String = "openid email offline_access",
                              extra: String = "") -> String {
        "/oidc/authorize?" + URLQuery.append([
            ("client_id", clientID), ("redirect_uri", redirect), ("response_type", "code"), ("scope", scope), ("state", "st-1"),
            ("nonce", "n-1"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ], to: "").dropFirst() + extra
    }

    /// Through consent to a code.
    static func code(_ client: any TestClientProtocol, _ user: Login, clientID: String, challenge: String,
                     scope: String = "openid email offline_access") async throws -> String {
        let page = try await client.send(.get, authorizePath(clientID, challenge, scope: scope), login: user)
        var location = page.headers[.location]
        if page.status == .ok {
            let html = page.text
            #expect(html.contains("id=\"consent\"") && page.headers[.contentSecurityPolicy]?.contains("form-action 'self' https://app.test") == true)
            var form = OIDCAuthorizeRequestForm.fields(in: html)
            form["decision"] = "approve"
            let posted = try await client.send(.post, "/oidc/authorize/consent", form: URLQuery.append(form.map { ($0.key, $0.value) }, to: "")
                .dropFirst().description, login: user)
            location = posted.headers[.location]
        }
        let answer = query(location)
        guard let code = answer["code"] else { throw TestFailure("no code: \(location ?? "nil")") }
        #expect(answer["state"] == "st-1" && answer["iss"] == "https://auth.test/api/v2/auth/oidc")
        return code
    }

    /// Through consent to a code, then the code exchanged: the token endpoint's answer.
    static func tokens(_ client: any TestClientProtocol, _ user: Login, clientID: String, secret: String, scope: String) async throws
        -> TestResponse {
        let (verifier, challenge) = pkce()
        let code = try await code(client, user, clientID: clientID, challenge: challenge, scope: scope)
        return try await client.send(.post, "/oidc/token", form: String(URLQuery.append([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier),
        ], to: "").dropFirst()), headers: basic(clientID, secret))
    }

    @Test func discoverySaysWhatIsSupportedAndTheJWKSIsTheServersKey() async throws {
        try await Self.run { _, client, _ in
            let doc = try await client.send(.get, "/oidc/.well-known/openid-configuration")
            #expect(doc.status == .ok && doc.json["issuer"] as? String == "https://auth.test/api/v2/auth/oidc")
            #expect(doc.json["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(doc.json["response_types_supported"] as? [String] == ["code"])
            let jwks = try await client.send(.get, "/oidc/jwks")
            let published = try await client.send(.get, "/public/jwks")
            #expect(jwks.status == .ok && jwks.text == published.text)
        }
    }

    @Test func operatorsRegisterClientsAndBadRegistrationsAreRefusedByKey() async throws {
        try await Self.run { harness, client, admin in
            for (fields, key) in [
                (["name": "x", "redirect_uris": ["http://app.test/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb#frag"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://*.app.test/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/c\"b"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/c<b>"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test:99999/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test:0/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test:8x/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["http://localhost:80/cb?x=%ZZ"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?x=%4"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?CODE=1"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?x=1;code=2"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?%63ode=1"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/c{b}"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/c|b"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb'x"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test:/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?x=%00"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app..test/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://-app.test/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app_test/cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test./cb"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": ["https://app.test/cb?state=1"]], "admin.oidc_client.invalid_redirect_uri"),
                (["name": "x", "redirect_uris": "https://app.test/cb"], "admin.oidc_client.invalid_redirect_uris"),
                (["name": "x", "redirect_uris": [Self.redirect], "scopes": ["openid", "admin"]], "admin.oidc_client.invalid_scope"),
                (["name": "x", "redirect_uris": [Self.redirect], "confidential": false, "grant_types": ["client_credentials"]],
                 "admin.oidc_client.public_client_credentials"),
                (["name": "\u{202E}evil", "redirect_uris": [Self.redirect]], "admin.oidc_client.invalid_name"),
                (["name": "x", "redirect_uris": [Self.redirect], "access_token_lifetime": 5], "admin.oidc_client.invalid_lifetime"),
            ] as [([String: Any], String)] {
                let refused = try await client.send(.post, "/admin/oidc/clients", json: fields, login: admin)
                #expect(refused.status == .unprocessableContent && refused.errors == [key], "\(fields): \(refused.text)")
            }
            let plenty = ["https://app.test:8443/c%20b?x=1&y=%2F;z=a", "https://app.test/cb?codes=1", "http://[::1]:65535/cb"]
            _ = try await Self.register(client, admin, ["name": "Well-formed", "redirect_uris": plenty])
            let created = try await Self.register(client, admin, ["name": "Grafana", "redirect_uris": [Self.redirect, "http://127.0.0.1:8080/cb"]])
            let id = try #require(created["client_id"] as? String)
            let secret = try #require(created["client_secret"] as? String)
            #expect(created["confidential"] as? Bool == true && secret.count >= 43)
            let shown = try await client.send(.get, "/admin/oidc/clients/\(id)", login: admin)
            #expect(shown.status == .ok && shown.json["client_secret"] == nil, "the secret is shown once")
            let rotated = try await client.send(.post, "/admin/oidc/clients/\(id)/secret", login: admin)
            #expect(rotated.status == .created && rotated.json["client_secret"] as? String != secret)
            #expect(rotated.headers[.cacheControl] == "no-store")
            let updated = try await client.send(.put, "/admin/oidc/clients/\(id)", json: ["first_party": true], login: admin)
            #expect(updated.status == .ok && updated.json["first_party"] as? Bool == true)
            _ = try await client.signup("member@example.com")
            try await harness.setState("member@example.com", .active)
            let member = try await client.login("member@example.com")
            let denied = try await client.send(.get, "/admin/oidc/clients", login: member)
            #expect(denied.status == .unauthorized && denied.errors == ["authz.invalid_permission"], "\(denied.status) \(denied.text)")
            let gone = try await client.send(.delete, "/admin/oidc/clients/\(id)", login: admin)
            #expect(gone.status == .ok)
            let missing = try await client.send(.get, "/admin/oidc/clients/\(id)", login: admin)
            #expect(missing.status == .notFound && missing.errors == ["admin.oidc_client.doesnt_exist"])
        }
    }

    @Test func theCodeFlowWithConsentRefreshRotationAndReuseDetection() async throws {
        try await Self.run { harness, client, admin in
            let app = try await Self.register(client, admin, ["name": "Support <desk> & \"co\"", "redirect_uris": [Self.redirect],
                                                              "scopes": ["openid", "email", "offline_access", "kyc"]])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            let (verifier, challenge) = Self.pkce()

            let consent = try await client.send(.get, Self.authorizePath(id, challenge), login: user)
            #expect(consent.status == .ok && consent.text.contains("Support &lt;desk&gt; &amp; &quot;co&quot;"), "escaped")
            let code = try await Self.code(client, user, clientID: id, challenge: challenge)

            func token(_ form: [(String, String)], _ headers: HTTPFields = Self.basic(id, secret)) async throws -> TestResponse {
                try await client.send(.post, "/oidc/token", form: String(URLQuery.append(form, to: "").dropFirst()), headers: headers)
            }
            let wrongVerifier = try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect),
                                                 ("code_verifier", Self.pkce().verifier)])
            #expect(wrongVerifier.status == .badRequest && wrongVerifier.json["error"] as? String == "invalid_grant")
            // The refused exchange did not spend the code.
            let issued = try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect),
                                          ("code_verifier", verifier)])
            #expect(issued.status == .ok && issued.headers[.cacheControl] == "no-store", "\(issued.text)")
            let access = try #require(issued.json["access_token"] as? String)
            let refresh = try #require(issued.json["refresh_token"] as? String)
            let idToken = try #require(issued.json["id_token"] as? String)
            let claims = try #require(JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(idToken.split(separator: ".")[1])) ?? [])) as? [String: Any])
            #expect(claims["nonce"] as? String == "n-1" && claims["aud"] as? String == id && claims["sub"] as? String == user.uid)
            #expect(claims["email"] as? String == "user@example.com" && claims["acr"] as? String == "1")
            let half = Array(SHA256.hash(data: Array(access.utf8))).prefix(16)
            #expect(claims["at_hash"] as? String == Base64URL.encode(Array(half)), "at_hash is the access token's")

            let info = try await client.send(.get, "/oidc/userinfo", headers: [.authorization: "Bearer \(access)"])
            #expect(info.status == .ok && info.json["sub"] as? String == user.uid && info.json["email"] as? String == "user@example.com")

            let refreshed = try await token([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            let rotated = try #require(refreshed.json["refresh_token"] as? String)
            #expect(refreshed.status == .ok && rotated != refresh)
            // The rotated token again: the family ends, and it is an activity row.
            let reused = try await token([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(reused.status == .badRequest && reused.json["error"] as? String == "invalid_grant")
            let after = try await token([("grant_type", "refresh_token"), ("refresh_token", rotated)])
            #expect(after.json["error"] as? String == "invalid_grant", "the whole family")
            let introspected = try await client.send(.post, "/oidc/introspect", form: "token=\(access)", headers: Self.basic(id, secret))
            #expect(introspected.json["active"] as? Bool == false)
            #expect(try await StepUpTests.activities(harness).contains { $0.action == "refresh token reuse" && $0.result == "failed" })
            #expect(try await harness.outboxEvents().contains { $0.name == EventName.oidcTokenReuse })

            // The code a second time: refused, and what the first use made stays revoked.
            let again = try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect),
                                         ("code_verifier", verifier)])
            #expect(again.json["error"] as? String == "invalid_grant")
        }
    }

    @Test func everyRefusalAConformanceRunChecks() async throws {
        try await Self.run { harness, client, admin in
            let app = try await Self.register(client, admin, ["name": "App", "redirect_uris": [Self.redirect], "first_party": true,
                                                              "scopes": ["openid", "email", "offline_access"]])
            let other = try await Self.register(client, admin, ["name": "Other", "redirect_uris": [Self.redirect]])
            let mobile = try await Self.register(client, admin, ["name": "Mobile", "redirect_uris": ["http://127.0.0.1:53117/cb"],
                                                                 "confidential": false])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            let (verifier, challenge) = Self.pkce()

            // A redirect URI not registered: a page, never a redirect.
            let unregistered = try await client.send(.get, "/oidc/authorize?client_id=\(id)&redirect_uri=https%3A%2F%2Fevil.test%2F&response_type=code&scope=openid&code_challenge=\(challenge)&code_challenge_method=S256", login: user)
            #expect(unregistered.status == .badRequest && unregistered.headers[.location] == nil)
            #expect(unregistered.headers[.contentType]?.hasPrefix("text/html") == true)
            // Missing or plain PKCE: an error at the client's redirect URI, with state and iss.
            for extra in ["", "&code_challenge=\(challenge)&code_challenge_method=plain"] {
                let path = "/oidc/authorize?client_id=\(id)&redirect_uri=\(URLQuery.encode(Self.redirect))&response_type=code&scope=openid&state=s" + extra
                let refused = try await client.send(.get, path, login: user)
                let answer = Self.query(refused.headers[.location])
                #expect(refused.status == .found && answer["error"] == "invalid_request" && answer["state"] == "s" && answer["iss"] != nil)
            }
            // Not signed in: to the front-end's sign-in page, coming back to the same request.
            let anonymous = try await client.send(.get, Self.authorizePath(id, challenge))
            let signIn = try #require(anonymous.headers[.location])
            #expect(signIn.hasPrefix(Self.loginURL + "?return_to="))
            let back = try #require(Self.query(signIn)["return_to"])
            #expect(back.hasPrefix("https://auth.test/api/v2/auth/oidc/authorize?client_id=\(id)"))
            // prompt=none without a session: login_required at the client.
            let none = try await client.send(.get, Self.authorizePath(id, challenge, extra: "&prompt=none"))
            #expect(Self.query(none.headers[.location])["error"] == "login_required")
            // max_age=0 forces a new sign-in, and the way back does not loop.
            harness.clock.advance(1)
            let aged = try await client.send(.get, Self.authorizePath(id, challenge, extra: "&max_age=0"), login: user)
            #expect(aged.headers[.location]?.hasPrefix(Self.loginURL) == true)
            let forced = try await client.send(.get, Self.authorizePath(id, challenge, extra: "&prompt=login"), login: user)
            let forcedBack = try #require(Self.query(forced.headers[.location])["return_to"])
            #expect(!forcedBack.contains("prompt=login") && forcedBack.contains("auth_after="))
            // The way back, edited to an earlier time, does not skip the sign-in.
            let signedAfter = try #require(URLComponents(string: forcedBack)?.queryItems?.first { $0.name == "auth_after" }?.value)
            let edited = forcedBack.replacingOccurrences(of: URLQuery.encode(signedAfter), with: "1." + signedAfter.split(separator: ".")[1])
            let replayed = try await client.send(.get, String(edited.dropFirst("https://auth.test/api/v2/auth".count)), login: user)
            #expect(replayed.headers[.location]?.hasPrefix(Self.loginURL) == true, "\(replayed.headers[.location] ?? "")")
            // Request objects and other response modes are refused, not ignored; so is a resource indicator.
            for (extra, error) in [("&request=x", "request_not_supported"), ("&request_uri=x", "request_uri_not_supported"),
                                   ("&response_mode=fragment", "invalid_request"), ("&prompt=select_account", "invalid_request")] {
                let refused = try await client.send(.get, Self.authorizePath(id, challenge, extra: extra), login: user)
                #expect(Self.query(refused.headers[.location])["error"] == error, "\(extra)")
            }

            func token(_ form: [(String, String)], _ headers: HTTPFields) async throws -> TestResponse {
                try await client.send(.post, "/oidc/token", form: String(URLQuery.append(form, to: "").dropFirst()), headers: headers)
            }
            let code = try await Self.code(client, user, clientID: id, challenge: challenge, scope: "openid")
            // A code for another client.
            let otherID = try #require(other["client_id"] as? String), otherSecret = try #require(other["client_secret"] as? String)
            let stolen = try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect),
                                          ("code_verifier", verifier)], Self.basic(otherID, otherSecret))
            #expect(stolen.json["error"] as? String == "invalid_grant")
            // Client authentication.
            let wrongSecret = try await token([("grant_type", "client_credentials")], Self.basic(id, "nope"))
            #expect(wrongSecret.status == .unauthorized && wrongSecret.json["error"] as? String == "invalid_client")
            #expect(wrongSecret.headers[.wwwAuthenticate] != nil)
            let mobileID = try #require(mobile["client_id"] as? String)
            let publicWithSecret = try await token([("grant_type", "authorization_code"), ("client_id", mobileID), ("client_secret", "x"),
                                                    ("code", "c"), ("redirect_uri", "http://127.0.0.1:53117/cb"), ("code_verifier", verifier)], [:])
            #expect(publicWithSecret.json["error"] as? String == "invalid_client")
            let publicIntrospection = try await client.send(.post, "/oidc/introspect", form: "client_id=\(mobileID)&token=x")
            #expect(publicIntrospection.json["error"] as? String == "unauthorized_client")
            let unsupported = try await token([("grant_type", "password")], Self.basic(id, secret))
            #expect(unsupported.json["error"] as? String == "unsupported_grant_type" && unsupported.headers[.cacheControl] == "no-store")
            let twice = try await client.send(.post, "/oidc/token?grant_type=x", form: "grant_type=y", headers: Self.basic(id, secret))
            #expect(twice.json["error"] as? String == "invalid_request", "a parameter sent twice")
            let inURL = try await client.send(.post, "/oidc/token?client_id=\(id)&client_secret=\(secret)", form: "grant_type=client_credentials")
            #expect(inURL.json["error"] as? String == "invalid_request", "a secret in the URL")
            for (path, name) in [("/oidc/token?refresh_token=x", "refresh_token"), ("/oidc/token?code=x&code_verifier=y", "code"),
                                 ("/oidc/introspect?token=x", "token"), ("/oidc/revoke?token=x", "token"),
                                 ("/oidc/userinfo?access_token=x", "access_token")] {
                let refused = try await client.send(.post, path, form: "grant_type=refresh_token", headers: Self.basic(id, secret))
                #expect(refused.status == .badRequest && refused.json["error"] as? String == "invalid_request"
                        && (refused.json["error_description"] as? String)?.hasPrefix(name) == true, "\(path): \(refused.text)")
            }
            let target = try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect),
                                          ("code_verifier", verifier), ("resource", "peatio")], Self.basic(id, secret))
            #expect(target.json["error"] as? String == "invalid_target")

            // A code used twice: refused, and the tokens of its first use are revoked (RFC 6749 §10.5).
            let (v3, c3) = Self.pkce()
            let code3 = try await Self.code(client, user, clientID: id, challenge: c3, scope: "openid")
            let exchange3 = [("grant_type", "authorization_code"), ("code", code3), ("redirect_uri", Self.redirect), ("code_verifier", v3)]
            let first = try await token(exchange3, Self.basic(id, secret))
            let firstAccess = try #require(first.json["access_token"] as? String)
            func active(_ token: String) async throws -> Bool? {
                try await client.send(.post, "/oidc/introspect", form: "token=\(token)", headers: Self.basic(id, secret)).json["active"] as? Bool
            }
            #expect(try await active(firstAccess) == true)
            let foreign = try await client.send(.post, "/oidc/introspect", form: "token=\(firstAccess)", headers: Self.basic(otherID, otherSecret))
            #expect(foreign.json["active"] as? Bool == false, "another client learns nothing of it")
            let second = try await token(exchange3, Self.basic(id, secret))
            #expect(second.status == .badRequest && second.json["error"] as? String == "invalid_grant")
            #expect(try await active(firstAccess) == false)
            let userinfo = try await client.send(.get, "/oidc/userinfo", headers: [.authorization: "Bearer \(firstAccess)"])
            #expect(userinfo.status == .unauthorized && userinfo.json["error"] as? String == "invalid_token")

            // A code whose session ended before it was redeemed is refused.
            let (v4, c4) = Self.pkce()
            let elsewhere = try await client.login("user@example.com")
            let code4 = try await Self.code(client, elsewhere, clientID: id, challenge: c4, scope: "openid")
            _ = try await client.send(.delete, "/identity/sessions", login: elsewhere)
            let orphan = try await token([("grant_type", "authorization_code"), ("code", code4), ("redirect_uri", Self.redirect),
                                          ("code_verifier", v4)], Self.basic(id, secret))
            #expect(orphan.json["error"] as? String == "invalid_grant")

            // A banned user's refresh is refused.
            let (v2, c2) = Self.pkce()
            let code2 = try await Self.code(client, user, clientID: id, challenge: c2, scope: "openid offline_access")
            let issued = try await token([("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", Self.redirect),
                                          ("code_verifier", v2)], Self.basic(id, secret))
            let refresh = try #require(issued.json["refresh_token"] as? String)
            try await harness.setState("user@example.com", .banned)
            let banned = try await token([("grant_type", "refresh_token"), ("refresh_token", refresh)], Self.basic(id, secret))
            #expect(banned.json["error"] as? String == "invalid_grant")
            // Each refusal of a code or refresh token that names its user is an activity of theirs, with the reason.
            let refusals = try await StepUpTests.activities(harness).filter { $0.action == "token" && $0.result == "failed" }.map(\.data)
            for reason in ["the code belongs to another client", "the session that approved the code has ended", "the user may not sign in"] {
                #expect(refusals.contains { $0.contains(reason) }, "\(reason) in \(refusals)")
            }
        }
    }
}

extension OIDCFlowTests {
    /// A user sees the apps they approved and withdraws one: its tokens end,
    /// the next sign-in asks again, and it is an event and an activity.
    @Test func aWithdrawnApprovalEndsTheAppsTokensAndAsksAgain() async throws {
        try await Self.run { harness, client, admin in
            let app = try await Self.register(client, admin, ["name": "Partner", "redirect_uris": [Self.redirect]])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            let issued = try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid email")
            let access = try #require(issued.json["access_token"] as? String)
            let grants = try await client.send(.get, "/resource/oidc/grants", login: user)
            #expect(grants.jsonArray.count == 1 && grants.jsonArray.first?["client_name"] as? String == "Partner")
            #expect(grants.jsonArray.first?["scopes"] as? [String] == ["openid", "email"])
            // Approved: the next request needs no consent page.
            let again = try await client.send(.get, Self.authorizePath(id, Self.pkce().challenge, scope: "openid"), login: user)
            #expect(again.status == .found && Self.query(again.headers[.location])["code"] != nil)

            let missing = try await client.send(.delete, "/resource/oidc/grants/nope", login: user)
            #expect(missing.status == .notFound && missing.errors == ["resource.oidc_grant.doesnt_exist"])
            let withdrawn = try await client.send(.delete, "/resource/oidc/grants/\(id)", login: user)
            #expect(withdrawn.status == .ok)
            let info = try await client.send(.get, "/oidc/userinfo", headers: [.authorization: "Bearer \(access)"])
            #expect(info.status == .unauthorized && info.json["error"] as? String == "invalid_token")
            let asked = try await client.send(.get, Self.authorizePath(id, Self.pkce().challenge, scope: "openid"), login: user)
            #expect(asked.status == .ok && asked.text.contains("id=\"consent\""))
            let events = try await harness.outboxEvents().map(\.name)
            #expect(events.contains(EventName.oidcGrantCreated) && events.contains(EventName.oidcGrantRevoked))
            // Another user's approvals are not theirs to withdraw.
            let other = try await client.signup("other@example.com")
            #expect(try await client.send(.get, "/resource/oidc/grants", login: other).jsonArray.isEmpty)
        }
    }
}

extension OIDCFlowTests {
    /// RP-initiated logout ends the browser's session only for the ID token's
    /// own user, and goes back only to a registered URI.
    @Test func logoutNeedsTheSameUsersIDTokenAndARegisteredReturn() async throws {
        try await Self.run { _, client, admin in
            let app = try await Self.register(client, admin, ["name": "App", "redirect_uris": [Self.redirect], "first_party": true,
                                                              "post_logout_redirect_uris": ["https://app.test/bye"]])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            let issued = try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid")
            let hint = try #require(issued.json["id_token"] as? String)

            let victim = try await client.signup("victim@example.com")
            let foreign = try await client.send(.get, "/oidc/logout?id_token_hint=\(hint)", login: victim)
            #expect(foreign.status == .badRequest && foreign.headers[.setCookie] == nil)
            #expect(try await client.send(.get, "/resource/users/me", login: victim).status == .ok, "the victim is still signed in")
            let unregistered = try await client.send(.get, "/oidc/logout?id_token_hint=\(hint)&post_logout_redirect_uri=https%3A%2F%2Fevil.test%2F",
                                                     login: user)
            #expect(unregistered.status == .badRequest && unregistered.headers[.location] == nil)
            let own = try await client.send(.get, "/oidc/logout?id_token_hint=\(hint)&post_logout_redirect_uri=https%3A%2F%2Fapp.test%2Fbye&state=z",
                                            login: user)
            #expect(own.status == .found && own.headers[.location] == "https://app.test/bye?state=z")
            #expect(try await client.send(.get, "/resource/users/me", login: user).status == .unauthorized, "signed out")
        }
    }

    /// `id_token_hint` names who must be signed in (OpenID Connect Core
    /// §3.1.2.1): the same user gets a code even with `prompt=none`, another
    /// account signed in gets `login_required`, a token not ours for this
    /// client is `invalid_request`. `login_hint` goes on to the sign-in page.
    @Test func theIDTokenHintNamesWhoMustBeSignedInAndTheLoginHintGoesToTheSignInPage() async throws {
        try await Self.run { _, client, admin in
            let app = try await Self.register(client, admin, ["name": "App", "redirect_uris": [Self.redirect], "first_party": true])
            let other = try await Self.register(client, admin, ["name": "Other", "redirect_uris": [Self.redirect], "first_party": true])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            let issued = try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid")
            let hint = try #require(issued.json["id_token"] as? String), access = try #require(issued.json["access_token"] as? String)
            // One spelling per token: the signature's last character changed in its unused bits is refused.
            for (token, ok) in [(access, true), (Self.respelled(access), false)] {
                let info = try await client.send(.get, "/oidc/userinfo", headers: [.authorization: "Bearer \(token)"])
                #expect(info.status == (ok ? .ok : .unauthorized), "\(ok ? "the token" : "a second spelling"): \(info.text)")
            }
            let (_, challenge) = Self.pkce()
            func authorize(_ clientID: String, _ extra: String, as login: Login?) async throws -> [String: String] {
                let answer = try await client.send(.get, Self.authorizePath(clientID, challenge, scope: "openid", extra: extra), login: login)
                #expect(answer.status == .found, "\(answer.status) \(answer.text)")
                return Self.query(answer.headers[.location])
            }
            let hinted = "&prompt=none&id_token_hint=\(hint)"
            #expect(try await authorize(id, hinted, as: user)["code"] != nil)
            // What the Basic OP profile sends and a provider may ignore is ignored, not refused.
            let ignored = "&prompt=none&display=page&ui_locales=de&claims_locales=de&acr_values=2&claims=%7B%7D&unknown=1"
            #expect(try await authorize(id, ignored, as: user)["code"] != nil)
            let someoneElse = try await client.signup("someone@example.com")
            let mismatch = try await authorize(id, hinted, as: someoneElse)
            #expect(mismatch["error"] == "login_required" && mismatch["code"] == nil && mismatch["state"] == "st-1")
            let otherID = try #require(other["client_id"] as? String)
            #expect(try await authorize(otherID, hinted, as: user)["error"] == "invalid_request", "a hint given to another client")
            #expect(try await authorize(id, "&id_token_hint=\(Self.respelled(hint))", as: user)["error"] == "invalid_request")
            let forged = hint.split(separator: ".").prefix(2).joined(separator: ".") + ".AAAA"
            #expect(try await authorize(id, "&id_token_hint=\(forged)", as: user)["error"] == "invalid_request")
            #expect(try await authorize(id, "&id_token_hint=x", as: nil)["error"] == "invalid_request")

            let signIn = try await client.send(.get, Self.authorizePath(id, challenge, scope: "openid", extra: "&login_hint=user%40example.com"),
                                               login: nil)
            let sent = Self.query(signIn.headers[.location])
            #expect(signIn.headers[.location]?.hasPrefix(Self.loginURL) == true && sent["login_hint"] == "user@example.com")
            #expect(sent["return_to"].map { Self.query($0)["login_hint"] } == "user@example.com")
        }
    }
}

extension OIDCFlowTests {
    /// With `oidc_gateway_tokens`, authorize takes an app's access token as
    /// its user; a revoked one, or any without the setting, is refused.
    @Test(arguments: [true, false])
    func theGatewayTakesAnAppsAccessTokenOnlyWhenAllowed(_ allowed: Bool) async throws {
        try await Harness.run({
            $0.oidcEnabled = true; $0.oidcLoginURL = Self.loginURL; $0.domain = "auth.test"; $0.oidcGatewayTokens = allowed
        }) { harness, client in
            let admin = try await client.signup("root@example.com")
            let app = try await Self.register(client, admin, ["name": "Partner", "redirect_uris": [Self.redirect], "first_party": true,
                                                              "scopes": ["openid", "exchange"]])
            let (id, secret) = (try #require(app["client_id"] as? String), try #require(app["client_secret"] as? String))
            let user = try await client.signup("user@example.com")
            func call(_ bearer: String) async throws -> TestResponse {
                try await client.send(.get, "/api/v2/peatio/account/balances", headers: [.authorization: "Bearer \(bearer)"])
            }
            let issued = try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid exchange")
            let access = try #require(issued.json["access_token"] as? String)
            let answer = try await call(access)
            guard allowed else {
                #expect(answer.status == .unauthorized && answer.errors == ["authz.invalid_session"], "not without the setting")
                return
            }
            #expect(answer.status == .ok, "\(answer.text)")
            func payload(_ jwt: some StringProtocol) throws -> [String: Any] {
                try #require(JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(jwt.split(separator: ".")[1])) ?? []))
                    as? [String: Any])
            }
            let jwt = try #require(answer.headers[.authorization]?.dropFirst("Bearer ".count))
            let (claims, accessClaims) = (try payload(jwt), try payload(access))
            #expect(claims["uid"] as? String == user.uid && claims["sub"] as? String == "session", "the gateway JWT of its user")
            let (exp, accessExp) = (try #require(claims["exp"] as? Int), try #require(accessClaims["exp"] as? Int))
            #expect(exp <= accessExp, "the gateway's JWT ends when the app's token does: \(exp) > \(accessExp)")

            // Without the `exchange` scope, or for an operator, an app's token is no bearer.
            let identityOnly = try #require(try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid")
                .json["access_token"] as? String)
            #expect(try await call(identityOnly).errors == ["authz.invalid_session"], "openid alone does not reach the API")
            let operatorToken = try #require(try await Self.tokens(client, admin, clientID: id, secret: secret, scope: "openid exchange")
                .json["access_token"] as? String)
            #expect(try await call(operatorToken).errors == ["authz.invalid_session"], "a superadmin's powers stay with their session")

            // Taking `exchange` away from the client stops the tokens it already holds.
            let scoped = try #require(try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid exchange")
                .json["access_token"] as? String)
            #expect(try await client.send(.put, "/admin/oidc/clients/\(id)", json: ["scopes": ["openid"]], login: admin).status == .ok)
            #expect(try await call(scoped).errors == ["authz.invalid_session"], "the client may no longer ask exchange")
            #expect(try await client.send(.put, "/admin/oidc/clients/\(id)", json: ["scopes": ["openid", "exchange"]], login: admin)
                .status == .ok)
            #expect(try await call(scoped).status == .ok)

            // An ID token, or the access token once revoked, is no bearer.
            let id_token = try #require(issued.json["id_token"] as? String)
            #expect(try await call(id_token).errors == ["authz.invalid_session"], "an ID token is no bearer")
            _ = try await client.send(.post, "/oidc/revoke", form: "token=\(access)", headers: Self.basic(id, secret))
            let revoked = try await call(access)
            #expect(revoked.status == .unauthorized && revoked.errors == ["authz.invalid_session"])

            // Deleting the client ends every token it holds.
            let last = try #require(try await Self.tokens(client, user, clientID: id, secret: secret, scope: "openid exchange")
                .json["access_token"] as? String)
            #expect(try await call(last).status == .ok)
            #expect(try await client.send(.delete, "/admin/oidc/clients/\(id)", login: admin).status == .ok)
            #expect(try await call(last).errors == ["authz.invalid_session"])
            let info = try await client.send(.get, "/oidc/userinfo", headers: [.authorization: "Bearer \(last)"])
            #expect(info.status == .unauthorized && info.json["error"] as? String == "invalid_token")
            _ = harness
        }
    }
}

/// The hidden fields of the consent page's form.
enum OIDCAuthorizeRequestForm {
    static func fields(in html: String) -> [String: String] {
        var out: [String: String] = [:]
        let pattern = try? NSRegularExpression(pattern: #"<input type="hidden" name="([^"]+)" value="([^"]*)">"#)
        let range = NSRange(html.startIndex..., in: html)
        for match in pattern?.matches(in: html, range: range) ?? [] {
            guard let name = Range(match.range(at: 1), in: html), let value = Range(match.range(at: 2), in: html) else { continue }
            out[String(html[name])] = unescape(String(html[value]))
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        var result = text
        for (entity, plain) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&#x27;", "'"), ("&#34;", "\""), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: plain)
        }
        return result
    }
}
