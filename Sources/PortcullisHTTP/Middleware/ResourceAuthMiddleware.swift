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
    let cookie: SessionCookie
    let csrfProtection: Bool

    init(services: Services) {
        sessions = services.sessions
        users = services.store
        tokens = services.tokens
        cookie = services.cookie
        csrfProtection = services.config.csrfProtection
    }

    static let stateChanging: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete, .trace]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = try await caller(of: request, context: context)
        return try await next(request, context)
    }

    /// Who the request acts for, by bearer JWT or by session cookie.
    func caller(of request: Request, context: Context) async throws -> Caller {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let uid = try await tokens.uid(from: String(authorization.dropFirst("bearer ".count)))
            guard let user = try await users.read({ tx in try await tx.user(uid: uid) }), user.state.canAuthenticate else {
                throw APIError(.unauthorized, ErrorKey.Authz.invalidSession)
            }
            return Caller(user: user, session: nil)
        }
        let csrf: SessionService.CSRFCheck = csrfProtection && Self.stateChanging.contains(request.method)
            ? .require(header: request.headers[.csrfToken]) : .skip
        let value = cookie.read(from: request)
        // The common case from memory (a cached session, no renewal due), else the database decides.
        if let (user, session) = try sessions.authenticateFromMemory(cookie: value, client: context.client, csrf: csrf) {
            return Caller(user: user, session: session)
        }
        let (user, session) = try await sessions.authenticate(cookie: value, client: context.client, csrf: csrf)
        return Caller(user: user, session: session)
    }
}
