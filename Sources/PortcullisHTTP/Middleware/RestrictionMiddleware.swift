import Hummingbird
import PortcullisCore

/// Restrictions guard every route of this server and the
/// authorize call, except the whitelist-link routes; blocklogin rows refuse
/// only logins.
struct RestrictionMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let restrictions: RestrictionGuard
    static let prefix = "/api/v2/auth/"
    static let exempt: Set<String> = ["identity/users/access", "api/v2/barong/identity/users/access"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = Self.path(request.uri.path)
        if !Self.exempt.contains(path) {
            let isLogin = request.method == .post && (path == "identity/sessions" || path == "api/v2/barong/identity/sessions")
            if try !restrictions.checkFromMemory(client: context.client, isLogin: isLogin) {
                try await restrictions.check(client: context.client, isLogin: isLogin)
            }
        }
        return try await next(request, context)
    }

    /// An unreadable path is never exempt; authorize refuses it afterwards.
    static func path(_ full: String) -> String {
        GatewayPath.normalize(full.hasPrefix(prefix) ? full.dropFirst(prefix.count) : Substring(full)) ?? ""
    }

    static func isExempt(_ full: String) -> Bool { exempt.contains(path(full)) }
}
