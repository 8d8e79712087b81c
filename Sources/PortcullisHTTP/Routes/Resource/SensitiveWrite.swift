import Hummingbird
import PortcullisCore

/// The writes that can hurt an account if a thief makes them: credentials,
/// keys and second factors. Declared where each route is registered
/// (`use: SensitiveWrite.guarded(handler)`); a session opened by a recovery
/// code makes none of them for its first 15 minutes. The refusal is
/// recorded as an activity by `ResourceAuthMiddleware`, which sees it pass.
enum SensitiveWrite {
    typealias Handler = @Sendable (Request, PortcullisContext) async throws -> Response

    static func guarded(_ handler: @escaping Handler) -> Handler {
        { request, context in
            if context.caller?.recoveryRestricted == true {
                throw Refusal(route: "\(request.method.rawValue) \(request.uri.path)")
            }
            return try await handler(request, context)
        }
    }

    /// A held write: 403 `resource.session.recovery_restricted` once recorded.
    struct Refusal: Error {
        let route: String
    }
}
