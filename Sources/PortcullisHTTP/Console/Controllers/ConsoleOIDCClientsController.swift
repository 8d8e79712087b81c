import Hummingbird
import PortcullisCore

/// `/admin/oidc`: the OpenID Connect clients (oidc.md §O2), the same
/// registry as `admin/oidc/clients` with the same abilities and keys. A new
/// or rotated secret is answered by the POST itself, on a `no-store` page,
/// and never again: it goes into no cookie, URL or flash.
struct ConsoleOIDCClientsController {
    let clients: OIDCClientService
    let abilities: AbilityTable
    /// Whether `oidc_enabled` is on (the page says so when it is not).
    let enabled: Bool

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("oidc", .read("OIDCClient", "oidc/clients"), list)
        routes.reveal("oidc/clients", .write(.create, "OIDCClient", "POST", "oidc/clients"), create)
        routes.page("oidc/clients/:client_id", .read("OIDCClient", "oidc/clients/{client_id}"), show)
        routes.action("oidc/clients/:client_id", .write(.update, "OIDCClient", "PUT", "oidc/clients/{client_id}"), update)
        routes.reveal("oidc/clients/:client_id/secret", .write(.update, "OIDCClient", "POST", "oidc/clients/{client_id}/secret"), rotate)
        routes.action("oidc/clients/:client_id/delete", .write(.destroy, "OIDCClient", "DELETE", "oidc/clients/{client_id}"), delete)
    }

    @Sendable func list(_ call: ConsoleCall) async throws -> ConsolePage {
        let rows = try await clients.list()
        return ConsolePage(template: "oidc_clients", title: "Apps (OpenID Connect)", data: [
            "disabled": !enabled, "canCreate": abilities.can(.create, "OIDCClient", role: call.op.user.role),
            "clients": rows.map { c -> [String: Any] in
                ["clientID": c.clientID, "name": c.name, "type": c.confidential ? "confidential" : "public",
                 "redirects": c.redirectURIs.joined(separator: " "), "grants": c.grantTypes.joined(separator: ", "),
                 "scopes": c.scopes.joined(separator: " "), "firstParty": c.firstParty, "created": ConsoleView.time(c.createdAt)]
            },
            "grants": Self.boxes(OIDCVocabulary.grantTypes, checked: OIDCVocabulary.defaultGrantTypes, prefix: "grant_"),
            "scopes": Self.boxes(OIDCVocabulary.scopes, checked: OIDCVocabulary.defaultScopes, prefix: "scope_"),
        ], wide: true)
    }

    @Sendable func show(_ call: ConsoleCall) async throws -> ConsolePage {
        let c = try await AdminOIDCClientsController.answer { try await clients.client(call.path("client_id")) }
        let role = call.op.user.role
        return ConsolePage(template: "oidc_client", title: c.name, data: [
            "disabled": !enabled, "canUpdate": abilities.can(.update, "OIDCClient", role: role),
            "canDestroy": abilities.can(.destroy, "OIDCClient", role: role),
            "client": [
                "clientID": c.clientID, "name": c.name, "type": c.confidential ? "confidential" : "public",
                "confidential": c.confidential, "firstParty": c.firstParty,
                "redirects": c.redirectURIs.joined(separator: "\n"), "logoutRedirects": c.postLogoutRedirectURIs.joined(separator: "\n"),
                "serviceAccount": c.serviceAccountUID ?? "", "access": c.accessTokenLifetime, "refresh": c.refreshTokenLifetime,
                "id": c.idTokenLifetime, "created": ConsoleView.time(c.createdAt), "updated": ConsoleView.time(c.updatedAt),
            ] as [String: Any],
            "grants": Self.boxes(OIDCVocabulary.grantTypes, checked: c.grantTypes, prefix: "grant_"),
            "scopes": Self.boxes(OIDCVocabulary.scopes, checked: c.scopes, prefix: "scope_"),
        ])
    }

    @Sendable func create(_ call: ConsoleCall) async throws -> ConsolePage {
        var fields = try Self.fields(call.form)
        fields.confidential = call.form.text("type") != "public"
        let (client, secret) = try await AdminOIDCClientsController.answer { try await clients.create(fields) }
        return secretPage(client, secret: secret, heading: "App registered")
    }

    @Sendable func update(_ call: ConsoleCall) async throws -> ConsoleDone {
        let fields = try Self.fields(call.form)
        let client = try await AdminOIDCClientsController.answer { try await clients.update(call.path("client_id"), fields) }
        return ConsoleDone("\(client.name) saved.")
    }

    @Sendable func rotate(_ call: ConsoleCall) async throws -> ConsolePage {
        let (client, secret) = try await AdminOIDCClientsController.answer { try await clients.rotateSecret(call.path("client_id")) }
        return secretPage(client, secret: secret, heading: "New secret")
    }

    @Sendable func delete(_ call: ConsoleCall) async throws -> ConsoleDone {
        let clientID = call.path("client_id")
        try await AdminOIDCClientsController.answer { try await clients.delete(clientID) }
        return ConsoleDone("Client \(clientID) deleted; its tokens and grants ended.", location: "/admin/oidc")
    }

    private func secretPage(_ client: OIDCClient, secret: String?, heading: String) -> ConsolePage {
        ConsolePage(template: "oidc_secret", title: heading, data: [
            "heading": heading, "name": client.name, "clientID": client.clientID, "secret": secret ?? "",
            "hasSecret": secret != nil,
        ])
    }

    /// The form's fields. Every box and list is on the form, so an absent
    /// box is unticked and an empty list empties; a lifetime left blank keeps
    /// its value, and one that is not a number is refused like an out-of-range one.
    static func fields(_ form: ConsoleForm) throws -> OIDCClientService.Fields {
        var fields = OIDCClientService.Fields()
        fields.name = form.text("name")
        fields.redirectURIs = lines(form, "redirect_uris")
        fields.postLogoutRedirectURIs = lines(form, "post_logout_redirect_uris")
        fields.firstParty = form.text("first_party") != nil
        fields.grantTypes = OIDCVocabulary.grantTypes.filter { form.text("grant_" + $0) != nil }
        fields.scopes = OIDCVocabulary.scopes.filter { form.text("scope_" + $0) != nil }
        if case .string(let uid) = form.params["service_account_uid"] { fields.serviceAccountUID = uid.trimmingCharacters(in: .whitespaces) }
        fields.accessTokenLifetime = try lifetime(form, "access_token_lifetime")
        fields.refreshTokenLifetime = try lifetime(form, "refresh_token_lifetime")
        fields.idTokenLifetime = try lifetime(form, "id_token_lifetime")
        return fields
    }

    /// A textarea's non-blank lines; nil when the form has no such field.
    static func lines(_ form: ConsoleForm, _ name: String) -> [String]? {
        guard case .string(let text) = form.params[name] else { return nil }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func lifetime(_ form: ConsoleForm, _ name: String) throws -> Int? {
        guard let text = form.text(name) else { return nil }
        guard text.utf8.count <= 12, let value = Int(text) else {
            throw APIError(.unprocessable, "admin.oidc_client.\(OIDCClientService.Refusal.invalidLifetime.rawValue)")
        }
        return value
    }

    /// `[{name, value, checked}]` for a row of checkboxes.
    static func boxes(_ values: [String], checked: [String], prefix: String) -> [[String: Any]] {
        values.map { ["name": prefix + $0, "value": $0, "checked": checked.contains($0)] }
    }
}
