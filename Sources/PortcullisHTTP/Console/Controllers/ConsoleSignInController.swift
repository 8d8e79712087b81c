import Hummingbird
import PortcullisCore

/// `/admin/sign_in` and `/admin/sign_out`. The sign-in form carries a CSRF
/// token bound to a cookie of its own (double submit: no session exists
/// yet); a wrong answer shows the API's key and keeps the email.
struct ConsoleSignInController {
    let sessions: ConsoleSessionService
    let renderer: ConsoleRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("sign_in", use: show)
        group.post("sign_in", use: signIn)
    }

    /// Sign-out needs the signed-in session's CSRF token: it goes through the routes' gate-free action.
    static func addSignOut(to routes: ConsoleRoutes, sessions: ConsoleSessionService) {
        routes.group.post("sign_out") { request, context in
            let call = try routes.kit.call(request, context)
            if let refusal = routes.kit.csrfRefusal(call) { return refusal }
            try await sessions.signOut(cookie: ConsoleCookies.read(ConsoleCookies.session, from: request), client: context.client)
            return ConsoleRenderer.redirect("/admin/sign_in", flash: ConsoleFlash(.notice, "Signed out."), secure: context.overHTTPS,
                                            cookies: [ConsoleCookies.clear(ConsoleCookies.session, secure: context.overHTTPS)])
        }
    }

    @Sendable func show(_ request: Request, context: PortcullisContext) async throws -> Response {
        form(request, context, email: "", error: nil)
    }

    @Sendable func signIn(_ request: Request, context: PortcullisContext) async throws -> Response {
        let form = ConsoleForm(params: context.params)
        let email = form.text("email") ?? ""
        guard let expected = ConsoleCookies.read(ConsoleCookies.signInCSRF, from: request), !expected.isEmpty,
              case .string(let token) = context.params["csrf_token"], constantTimeEquals(token, expected) else {
            return self.form(request, context, email: email, error: ConsoleKit.message(APIError(.forbidden, ErrorKey.Console.invalidCSRF)),
                             status: .forbidden)
        }
        do {
            let (_, cookie) = try await sessions.signIn(
                email: email, password: form.text("password") ?? "", otpCode: form.text("otp_code"), client: context.client
            )
            let secure = context.overHTTPS
            return ConsoleRenderer.redirect("/admin/", flash: nil, secure: secure, cookies: [
                ConsoleCookies.set(ConsoleCookies.session, cookie.value, secure: secure),
                ConsoleCookies.clear(ConsoleCookies.signInCSRF, secure: secure),
            ])
        } catch let error as APIError {
            return self.form(request, context, email: email, error: ConsoleKit.message(error),
                             status: HTTPResponse.Status(code: error.status.rawValue))
        }
    }

    private func form(_ request: Request, _ context: PortcullisContext, email: String, error: String?,
                      status: HTTPResponse.Status = .ok) -> Response {
        let token = SecureRandom.hex(bytes: 16)
        let flash = ConsoleFlash(cookie: ConsoleCookies.read(ConsoleCookies.flash, from: request))
        var data: [String: Any] = ["csrf": token, "email": email]
        if let error { data["error"] = error }
        let page = ConsolePage(template: "sign_in", title: "Sign in", data: data, status: status,
                               cookies: [ConsoleCookies.set(ConsoleCookies.signInCSRF, token, secure: context.overHTTPS)])
        return renderer.render(page, chrome: ConsoleChrome(flash: flash), secure: context.overHTTPS)
    }
}
