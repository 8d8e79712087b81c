import Hummingbird
import PortcullisCore

/// The authorize call on the main listener: every method on
/// `/api/v2/auth/<path>` that no other route matches. The gateway appends
/// the original path. `authorize_listen` serves the same call on a plain
/// SwiftNIO listener (GatewayHandler); both go through GatewayCall.
struct AuthorizeController {
    let cookie: SessionCookie
    let gateway: GatewayCall
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options, .trace]

    /// `group`: the API's prefix.
    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        for method in Self.methods {
            group.on("**", method: method, use: authorize)
        }
    }

    @Sendable func authorize(_ request: Request, context: PortcullisContext) async throws -> Response {
        let path: String
        do {
            path = try GatewayCall.path(of: request.uri.path)
        } catch let error as APIError {
            Telemetry.authorizeRefused(reason: failureKey(error))
            throw error
        }
        // Restrictions were checked by RestrictionMiddleware.
        let call = AuthorizeRequest(
            method: request.method.rawValue, path: path, cookie: cookie.read(from: request),
            csrfHeader: request.headers[.csrfToken], apiKey: request.headers[.authApiKey],
            nonce: request.headers[.authNonce], signature: request.headers[.authSignature],
            client: context.client, params: context.params.texts,
            bearer: AuthorizeRequest.bearerToken(request.headers[.authorization])
        )
        if let answer = gateway.answerFromMemory(call) { return answer.response }
        return await gateway.answer(call).response
    }
}
