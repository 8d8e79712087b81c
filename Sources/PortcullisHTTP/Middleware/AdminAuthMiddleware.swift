import Hummingbird
import PortcullisCore

/// Admin calls authenticate as resource calls do (bearer
/// JWT from the gateway, or cookie + CSRF), the caller must be `active`,
/// and a standalone (cookie) call runs the gateway permission table
/// against `api/v2/barong/admin/…` (deliberate difference), so DROP rows
/// and AUDIT activities work without nginx. Gateway calls were checked and
/// audited by authorize already.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let authentication: ResourceAuthMiddleware
    let gate: PermissionGate
    /// The local prefix (`/api/v2/auth/admin`) and the gateway path it stands for.
    let localPrefix: String
    let gatewayPrefix = "api/v2/barong/admin"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let caller = try await authentication.caller(of: request, context: context)
        guard caller.user.state == .active else { throw APIError(.unauthorized, ErrorKey.Authz.userNotActive) }
        if caller.session != nil {
            // Normalized as authorize does, so `admin//users` meets the rows of `admin/users`.
            guard let rest = GatewayPath.normalize(request.uri.path.dropFirst(localPrefix.count)) else {
                throw APIError(.unauthorized, ErrorKey.Authz.permissionDenied)
            }
            let path = rest.isEmpty ? gatewayPrefix : gatewayPrefix + "/" + rest
            try await gate.check(
                PermissionGate.Request(method: request.method.rawValue, path: path, params: context.params.auditable,
                                       client: context.client),
                role: caller.user.role, user: caller.user
            )
        }
        context.caller = caller
        return try await next(request, context)
    }
}

extension Params {
    /// The text params, for the audit trail (objects and files left out).
    var auditable: [String: String] {
        values.compactMapValues { value in
            if case .string(let text) = value { return text }
            return nil
        }
    }
}
