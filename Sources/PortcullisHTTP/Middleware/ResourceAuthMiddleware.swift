import Hummingbird
import PortcullisCore

/// api-resource.md §0: a resource call needs a bearer JWT from the gateway
/// or, standalone, the session cookie with the authorize checks (binding,
/// expiry, CSRF on state-changing methods).
struct ResourceAuthMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let sessions: SessionService
    let users: any Store
    let tokens: AccessTokenVerifier
    let cookieName: String
    let csrfProtection: Bool

    static let stateChanging: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete, .trace]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let uid = try await tokens.uid(from: String(authorization.dropFirst("bearer ".count)))
            guard let user = try await users.read({ tx in try await tx.user(uid: uid) }), user.state.canAuthenticate else {
                throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
            }
            context.caller = Caller(user: user, session: nil)
        } else {
            let csrf: SessionService.CSRFCheck = csrfProtection && Self.stateChanging.contains(request.method)
                ? .require(header: request.headers[.csrfToken]) : .skip
            let (user, session) = try await sessions.authenticate(
                cookie: request.cookies[cookieName]?.value, client: context.client, csrf: csrf
            )
            context.caller = Caller(user: user, session: session)
        }
        return try await next(request, context)
    }
}
