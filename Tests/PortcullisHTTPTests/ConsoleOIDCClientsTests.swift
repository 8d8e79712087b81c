import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// The console's OpenID Connect clients page: register, change, rotate and
/// delete as the admin API does, a secret shown once by the POST that made
/// it (in no cookie or URL), and a refusal as the API's key in the flash.
struct ConsoleOIDCClientsTests {
    static let form = ["name": "Grafana", "type": "confidential", "redirect_uris": "https://grafana.test/login/generic_oauth\r\n\r\n",
                       "post_logout_redirect_uris": "", "grant_authorization_code": "1", "grant_refresh_token": "1",
                       "scope_openid": "1", "scope_email": "1", "service_account_uid": ""]

    @Test func anOperatorRegistersChangesRotatesAndDeletesAClient() async throws {
        try await Harness.run { harness, client in
            let console = ConsoleClient(client: client, clock: harness.clock)
            let root = try await console.operator(harness, "root@example.com", role: "superadmin")
            func post(_ path: String, _ fields: [String: String]) async throws -> TestResponse {
                try await console.send(.post, path, cookie: root.cookie, form: fields.merging(["csrf_token": root.csrf]) { $1 })
            }
            func stored(_ clientID: String) async throws -> OIDCClient? {
                try await harness.store.read { tx in try await tx.oidcClient(clientID: clientID) }
            }

            let created = try await post("/admin/oidc/clients", Self.form)
            #expect(created.status == .ok && created.headers[.cacheControl] == "no-store", "\(created.status)")
            let (clientID, secret) = (try Self.value("client-id", in: created.text), try Self.value("client-secret", in: created.text))
            #expect(!created.headers[values: .setCookie].contains { $0.contains(secret) } && created.headers[.location] == nil)
            guard let saved = try await stored(clientID) else { throw TestFailure("no client \(clientID)") }
            #expect(OIDCClientService.secretMatches(secret, saved) && saved.confidential)
            #expect(saved.redirectURIs == ["https://grafana.test/login/generic_oauth"] && saved.scopes == ["openid", "email"])
            #expect(saved.grantTypes == ["authorization_code", "refresh_token"] && !saved.firstParty)

            let list = try await console.send(.get, "/admin/oidc", cookie: root.cookie, form: [:])
            #expect(list.status == .ok && list.text.contains("href=\"/admin/oidc/clients/\(clientID)\">Grafana</a>"))
            #expect(list.text.contains("id=\"oidc-off\""), "the page says OpenID Connect is off")
            #expect(!list.text.contains(secret))
            let page = try await console.send(.get, "/admin/oidc/clients/\(clientID)", cookie: root.cookie, form: [:])
            #expect(page.status == .ok && page.text.contains("https://grafana.test/login/generic_oauth</textarea>") && !page.text.contains(secret))

            var change = Self.form
            change["name"] = "Grafana (ops)"
            change["scope_email"] = nil
            change["first_party"] = "1"
            change["access_token_lifetime"] = "120"
            let back = "/admin/oidc/clients/\(clientID)"
            let saving = try await post(back, change.merging(["back": back]) { $1 })
            #expect(saving.status == .seeOther && saving.headers[.location] == back)
            #expect(console.flash(saving)?.text == "Grafana (ops) saved.")
            let changed = try await stored(clientID)
            #expect(changed?.name == "Grafana (ops)" && changed?.scopes == ["openid"] && changed?.firstParty == true)
            #expect(changed?.accessTokenLifetime == 120 && changed?.refreshTokenLifetime == OIDCVocabulary.refreshTokenLifetime.default)

            for (field, value, key) in [("redirect_uris", "http://grafana.test/callback", "invalid_redirect_uri"),
                                        ("access_token_lifetime", "12e9999", "invalid_lifetime"),
                                        ("access_token_lifetime", "99999999999", "invalid_lifetime"),
                                        ("name", "\u{202E}evil", "invalid_name")] {
                let refused = try await post(back, change.merging([field: value, "back": back]) { $1 })
                #expect(refused.status == .seeOther && console.flash(refused)?.text.contains("admin.oidc_client.\(key)") == true,
                        "\(field)=\(value): \(String(describing: console.flash(refused)))")
            }
            #expect(try await stored(clientID) == changed, "a refused change changes nothing")

            let rotated = try await post("\(back)/secret", ["back": back])
            let newSecret = try Self.value("client-secret", in: rotated.text)
            let afterRotation = try await stored(clientID)
            #expect(rotated.status == .ok && newSecret != secret)
            #expect(afterRotation.map { OIDCClientService.secretMatches(newSecret, $0) && !OIDCClientService.secretMatches(secret, $0) } == true)

            var native = Self.form
            native["type"] = "public"
            native["redirect_uris"] = "http://127.0.0.1:7777/callback"
            let publicClient = try await post("/admin/oidc/clients", native)
            #expect(publicClient.status == .ok && !publicClient.text.contains("client-secret"))
            #expect(try await stored(try Self.value("client-id", in: publicClient.text))?.secretHash == nil)

            let deleted = try await post("\(back)/delete", ["back": back])
            #expect(deleted.status == .seeOther && deleted.headers[.location] == "/admin/oidc")
            #expect(try await stored(clientID) == nil)
            let gone = try await console.send(.get, back, cookie: root.cookie, form: [:])
            #expect(gone.status == .notFound && gone.text.contains("admin.oidc_client.doesnt_exist"))
        }
    }

    /// The text of the element with `id` (a `<code>` on the secret page).
    static func value(_ id: String, in html: String) throws -> String {
        guard let start = html.range(of: "id=\"\(id)\">"), let end = html[start.upperBound...].firstIndex(of: "<") else {
            throw TestFailure("no #\(id) in the page")
        }
        return String(html[start.upperBound..<end])
    }
}
