import Hummingbird
import PortcullisCore

/// The authorize call (api.md §3): every method on `/api/v2/auth/<path>`
/// that no other route matches. The gateway appends the original path.
struct AuthorizeController {
    let services: Services
    static let ownPrefixes = ["public/", "identity/", "resource/"]
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options, .trace]

    func addRoutes(to router: Router<PortcullisContext>, base: String) {
        for method in Self.methods {
            router.on(RouterPath(base + "/**"), method: method, use: authorize)
        }
    }

    @Sendable func authorize(_ request: Request, context: PortcullisContext) async throws -> Response {
        let prefix = "/api/v2/auth/"
        let raw = request.uri.path.hasPrefix(prefix) ? request.uri.path.dropFirst(prefix.count) : ""
        // One spelling for every rule, permission and audit row (GatewayPath).
        guard let path = GatewayPath.normalize(raw) else {
            Telemetry.authorizeRefused(reason: ErrorKey.Authz.permissionDenied)
            throw APIError(.unauthorized, ErrorKey.Authz.permissionDenied)
        }
        // Our own route groups never authorize: an unknown path there is 404/405.
        if Self.ownPrefixes.contains(where: { path.hasPrefix($0) }) { throw HTTPError(.notFound) }
        var params: [String: String] = [:]
        for (key, value) in context.params.values { if case .string(let text) = value { params[key] = text } }
        let apiKey = request.headers[.authApiKey]
        let outcome: AuthorizeOutcome
        do {
            outcome = try await services.authorize.authorize(AuthorizeRequest(
                method: request.method.rawValue, path: path, cookie: services.cookie.read(from: request),
                csrfHeader: request.headers[.csrfToken], apiKey: apiKey,
                nonce: request.headers[.authNonce], signature: request.headers[.authSignature],
                client: context.client, params: params
            ))
        } catch {
            Telemetry.authorizeRefused(reason: failureKey(error))
            throw error
        }
        switch outcome {
        case .pass:
            Telemetry.authorizePass.increment()
            return Responses.empty(.ok)
        case .authorized(let token):
            (apiKey == nil ? Telemetry.authorizeSession : Telemetry.authorizeAPIKey).increment()
            return Responses.empty(.ok, headers: [.authorization: "Bearer \(token)"])
        }
    }
}
