import Hummingbird
import PortcullisCore

/// The management API's request format checks, before
/// any signature is looked at: no query string, exactly `application/json`,
/// a JSON body (kept raw for the JWS verification). Failures are 400 in
/// Barong's `{"error": …}` shape. Management bodies skip the shared params
/// reader (ClientMiddleware) entirely.
struct ManagementRequestMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    /// Base64 documents can be large; everything else is small.
    static let documentLimit = 14 * 1024 * 1024
    static let bodyLimit = 64 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.query.map({ !$0.isEmpty }) == true {
            throw ManagementError.sentence(.badRequest, "Query parameters are not allowed")
        }
        guard request.headers[.contentType]?.trimmingCharacters(in: .whitespaces) == "application/json" else {
            throw ManagementError.sentence(.badRequest, "Content-Type must be application/json")
        }
        var request = request
        let limit = request.uri.path.hasSuffix("/management/documents") ? Self.documentLimit : Self.bodyLimit
        if request.announcesBody(over: limit) { throw ManagementError.sentence(.payloadTooLarge, "Request body is too large") }
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: limit) } catch {
            throw ManagementError.sentence(.payloadTooLarge, "Request body is too large")
        }
        let bytes = Array(body.readableBytesView)
        guard (try? ParamsReader.json(bytes)) != nil else { throw ManagementError.sentence(.badRequest, "Body is not valid JSON") }
        var context = context
        context.params.rawBody = bytes
        return try await next(request, context)
    }
}
