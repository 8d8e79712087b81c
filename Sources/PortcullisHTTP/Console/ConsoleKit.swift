import Hummingbird
import PortcullisCore

/// What every console route shares: rendering, the gate checks and the nav.
struct ConsoleKit: Sendable {
    let renderer: ConsoleRenderer
    let abilities: AbilityTable
    let permissions: PermissionGate

    /// The signed-in operator's call (the auth middleware put it there).
    func call(_ request: Request, _ context: PortcullisContext) throws -> ConsoleCall {
        guard let op = context.consoleOperator else { throw APIError(.unauthorized, ErrorKey.Authz.invalidSession) }
        return ConsoleCall(request: request, context: context, op: op)
    }

    /// The refusal page when the form's CSRF token is not the session's, else nil.
    func csrfRefusal(_ call: ConsoleCall) -> Response? {
        if case .string(let token) = call.context.params["csrf_token"], constantTimeEquals(token, call.op.csrfToken) { return nil }
        return render(errorPage(APIError(.forbidden, ErrorKey.Console.invalidCSRF)), call: call)
    }

    /// The ability first, then the permission table for the API call the route stands for.
    func admit(_ call: ConsoleCall, _ gate: ConsoleGate) async throws {
        guard abilities.can(gate.action, gate.subject, role: call.op.user.role) else {
            throw APIError(.forbidden, ErrorKey.Admin.notPermitted)
        }
        let path = gate.gatewayPath { call.context.parameters.get($0) }
        try await permissions.check(
            PermissionGate.Request(method: gate.method, path: path, params: call.form.auditable,
                                   client: call.client),
            role: call.op.user.role, user: call.op.user
        )
    }

    func render(_ page: ConsolePage, call: ConsoleCall) -> Response {
        let flash = ConsoleFlash(cookie: ConsoleCookies.read(ConsoleCookies.flash, from: call.request))
        let chrome = ConsoleChrome(operator: call.op, nav: nav(for: call.op.user.role, at: call.request.uri.path), flash: flash)
        return renderer.render(page, chrome: chrome, secure: call.secure)
    }

    /// A refusal or an API error as a page: its status and the API's keys.
    func errorPage(_ error: APIError) -> ConsolePage {
        let status = HTTPResponse.Status(code: error.status.rawValue)
        return ConsolePage(template: "error", title: status.reasonPhrase, data: ["keys": error.keys, "message": Self.message(error)],
                           status: status)
    }

    /// The warning, and the posted form again (hidden fields) with `confirm=yes`.
    func confirmPage(_ ask: ConsoleConfirmation, call: ConsoleCall, back: String) -> ConsolePage {
        let fields = call.context.params.texts.filter { $0.key != "csrf_token" && $0.key != "confirm" }
            .sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }
        return ConsolePage(template: "confirm", title: "Confirm", data: [
            "warning": ask.warning, "action": call.request.uri.path, "fields": fields, "back": back, "csrf": call.op.csrfToken,
        ], status: .conflict)
    }

    /// The API's keys, and a sentence where one helps.
    static func message(_ error: APIError) -> String {
        let keys = error.keys.joined(separator: ", ")
        if let sentence = error.keys.lazy.compactMap({ sentences[$0] }).first { return "\(sentence) (\(keys))" }
        return keys
    }

    static let sentences: [String: String] = [
        ErrorKey.Admin.notPermitted: "Your role may not do this",
        ErrorKey.Authz.invalidPermission: "The permission table refuses this for your role",
        ErrorKey.Console.invalidCSRF: "The form had no valid CSRF token; reload the page and try again",
        ErrorKey.Admin.updateHimself: "You cannot change your own account here",
        ErrorKey.Admin.superadminChange: "Only a superadmin may change a superadmin",
        ErrorKey.Admin.roleExceedsOwn: "That role may do more than yours",
        ErrorKey.Admin.userDoesntExist: "No such user",
    ]

    /// Only a path inside the console: never another host (`//x`), scheme or
    /// header, nor a dot segment (`..`, `%2e%2e`) or encoded separator a browser or proxy would resolve out of it.
    static func localPath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/admin/"), !text.contains("//"), !text.contains("\\"), text.utf8.count <= 2048,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
        let path = text.split(separator: "?", maxSplits: 1).first ?? ""
        // An encoded `/` or `\` in the path is a separator to a proxy that decodes it.
        guard !path.lowercased().contains("%2f"), !path.lowercased().contains("%5c") else { return nil }
        let dots = path.split(separator: "/").contains { segment in
            [".", ".."].contains(segment.lowercased().replacingOccurrences(of: "%2e", with: "."))
        }
        return dots ? nil : text
    }

    /// The sections the role can open.
    func nav(for role: String, at path: String) -> [[String: Any]] {
        let items: [(String, String, AbilityTable.Action, String)] = [
            ("/admin/", "Dashboard", .read, "User"), ("/admin/users", "Users", .read, "User"),
            ("/admin/kyc", "KYC queue", .read, "User"), ("/admin/access", "Permissions & restrictions", .read, "Restriction"),
            ("/admin/activity", "Activity", .read, "Activity"), ("/admin/oidc", "Apps (OpenID)", .read, "OIDCClient"),
        ]
        return items.filter { abilities.can($0.2, $0.3, role: role) }.map { item in
            let current = item.0 == "/admin/" ? path == "/admin/" || path == "/admin" : path.hasPrefix(item.0)
            return ["href": item.0, "label": item.1, "current": current]
        }
    }
}
