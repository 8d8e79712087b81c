import Hummingbird
import PortcullisCore
import PortcullisIntegrations

/// A resource call needs a bearer JWT from the gateway
/// or, standalone, the session cookie with the authorize checks (binding,
/// expiry, CSRF on state-changing methods).
struct ResourceAuthMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let sessions: SessionService
    let tokens: AccessTokenVerifier
    let cookie: SessionCookie
    let csrfProtection: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let caller = try await caller(of: request, context: context)
        context.caller = caller
        do {
            return try await next(request, context)
        } catch let refusal as SensitiveWrite.Refusal {
            try await sessions.refuseRecoveryHeldWrite(of: caller.user, route: refusal.route, client: context.client)
        }
    }

    /// Who the request acts for, by bearer JWT or by session cookie.
    func caller(of request: Request, context: Context) async throws -> Caller {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let uid = try await tokens.uid(from: String(authorization.dropFirst("bearer ".count)))
            let user = try await sessions.bearerUser(uid: uid)
            return Caller(user: user, session: nil, recoveryRestricted: try await sessions.hasRecoveryRestrictedSession(userID: user.id))
        }
        let csrf = CSRFRule.check(method: request.method.rawValue, header: request.headers[.csrfToken], protection: csrfProtection)
        let value = cookie.read(from: request)
        // The common case from memory (a cached session, no renewal due), else the database decides.
        if let (user, session) = try sessions.authenticateFromMemory(cookie: value, client: context.client, csrf: csrf) {
            return Caller(user: user, session: session, recoveryRestricted: sessions.isRecoveryRestricted(session))
        }
        let (user, session) = try await sessions.authenticate(cookie: value, client: context.client, csrf: csrf)
        return Caller(user: user, session: session, recoveryRestricted: sessions.isRecoveryRestricted(session))
    }
}
