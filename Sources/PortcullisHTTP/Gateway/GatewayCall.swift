import Hummingbird
import Logging
import PortcullisCore

/// The authorize call as both listeners make it: the main
/// listener's route and the NIO gateway listener are adapters around this,
/// and the decision itself is `AuthorizeService`'s. Reading the request and
/// rendering the answer in one place is what makes the two listeners
/// answer alike, byte for byte.
struct GatewayCall: Sendable {
    let authorize: AuthorizeService
    let restrictions: RestrictionGuard
    let logger: Logger

    static let prefix = "/api/v2/auth/"
    /// Our own route groups never authorize: an unknown path there is 404.
    static let ownPrefixes = ["public/", "identity/", "resource/"]

    /// The gateway path: one spelling for every rule, permission and audit
    /// row (GatewayPath). An unreadable one is refused; our own groups and
    /// anything outside `/api/v2/auth/` are 404.
    static func path(of uriPath: String) throws -> String { try Route(uriPath).path.get() }

    /// A request path read once: its gateway path (or why there is none),
    /// and whether restrictions spare it (RestrictionMiddleware's rule).
    struct Route {
        let path: Result<String, any Error>
        let exempt: Bool

        init(_ uriPath: String) {
            // The gateway listener serves nothing else (the main listener routes nothing else here).
            guard uriPath.hasPrefix(GatewayCall.prefix) else {
                (path, exempt) = (.failure(HTTPError(.notFound)), RestrictionMiddleware.isExempt(uriPath))
                return
            }
            guard let normalized = GatewayPath.normalize(uriPath.dropFirst(GatewayCall.prefix.count)) else {
                (path, exempt) = (.failure(APIError(.unauthorized, ErrorKey.Authz.permissionDenied)), false)
                return
            }
            exempt = RestrictionMiddleware.exempt.contains(normalized)
            path = GatewayCall.ownPrefixes.contains(where: { normalized.hasPrefix($0) }) ? .failure(HTTPError(.notFound)) : .success(normalized)
        }
    }

    /// Restrictions from memory: false when their rows are not loaded yet.
    func restrictionsFromMemory(_ route: Route, client: ClientInfo) throws -> Bool {
        route.exempt ? true : try restrictions.checkFromMemory(client: client, isLogin: false)
    }

    func restrictions(_ route: Route, client: ClientInfo) async throws {
        if !route.exempt { try await restrictions.check(client: client, isLogin: false) }
    }

    /// The answer when memory alone decides it (see AuthorizeService.authorizeFromMemory), else nil.
    func answerFromMemory(_ request: AuthorizeRequest) -> GatewayAnswer? {
        do {
            return try authorize.authorizeFromMemory(request).map { GatewayAnswer($0, apiKey: request.apiKey) }
        } catch {
            return GatewayAnswer(refusal: error)
        }
    }

    func answer(_ request: AuthorizeRequest) async -> GatewayAnswer {
        do {
            return GatewayAnswer(try await authorize.authorize(request), apiKey: request.apiKey)
        } catch {
            if !(error is APIError) { logger.error("authorize failed", metadata: ["error": "\(type(of: error))", "path": "\(request.path)"]) }
            return GatewayAnswer(refusal: error)
        }
    }
}

/// What an authorize call answers: 200 (with `Authorization: Bearer …`
/// unless a rule passed it) or the refusal's `{"errors":[…]}`; every body
/// is labelled JSON, as every answer of this API is.
struct GatewayAnswer: Sendable, Equatable {
    var status: Int
    var authorization: String?
    var body: String
    static let contentType = "application/json; charset=utf-8"

    init(_ outcome: AuthorizeOutcome, apiKey: String?) {
        status = 200
        body = ""
        switch outcome {
        case .pass:
            Telemetry.authorizePass.increment()
        case .authorized(let token):
            (apiKey == nil ? Telemetry.authorizeSession : Telemetry.authorizeAPIKey).increment()
            authorization = "Bearer \(token)"
        }
    }

    /// A refusal: counted by its key, rendered as the error middleware renders it.
    init(refusal error: any Error) {
        Telemetry.authorizeRefused(reason: failureKey(error))
        self.init(error: error)
    }

    /// Any failure before the decision (a body too large, a restricted client, an unknown path).
    init(error: any Error) {
        let apiError = ErrorRendering.apiError(for: error)
        status = apiError.status.rawValue
        authorization = nil
        body = ErrorRendering.body(apiError).serialized()
    }

    /// The main listener's response.
    var response: Response {
        var headers: HTTPFields = [.contentType: Self.contentType]
        if let authorization { headers[.authorization] = authorization }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
