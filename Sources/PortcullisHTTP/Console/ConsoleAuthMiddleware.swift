import Hummingbird
import PortcullisCore

/// Every console route but sign-in and the assets: the console cookie must
/// name a live console session (ConsoleSessionService.lookup), else the
/// browser goes to the sign-in page, told why when a session just ended.
struct ConsoleAuthMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let sessions: ConsoleSessionService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let cookie = ConsoleCookies.read(ConsoleCookies.session, from: request)
        switch try await sessions.lookup(cookie: cookie, client: context.client) {
        case .signedIn(let op):
            context.consoleOperator = op
            return try await next(request, context)
        case .ended:
            return ConsoleRenderer.redirect(
                "/admin/sign_in", flash: ConsoleFlash(.notice, "You were signed out (idle, another address, or your access changed)."),
                secure: context.overHTTPS, cookies: [ConsoleCookies.clear(ConsoleCookies.session, secure: context.overHTTPS)]
            )
        case .none:
            return ConsoleRenderer.redirect("/admin/sign_in", flash: nil, secure: context.overHTTPS)
        }
    }
}
