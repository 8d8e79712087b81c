import Hummingbird
import PortcullisCore

/// The writes that can hurt an account if a thief makes them: credentials,
/// keys and second factors. Declared where each route is registered
/// (`use: SensitiveWrite.guarded(handler)`); a session opened by a recovery
/// code makes none of them for its first 15 minutes.
enum SensitiveWrite {
    typealias Handler = @Sendable (Request, PortcullisContext) async throws -> Response

    static func guarded(_ handler: @escaping Handler) -> Handler {
        { request, context in
            if context.caller?.recoveryRestricted == true {
                throw APIError(.forbidden, ErrorKey.Session.recoveryRestricted)
            }
            return try await handler(request, context)
        }
    }
}
