import Hummingbird
import Logging
import PortcullisCore

/// The outermost middleware: every failure leaves as `{"errors":[…]}`.
/// Unknown routes become 404 `server.route_not_found`, or 405
/// `server.method_not_allowed` when the path exists with another method.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let catalog: RouteCatalog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await render(request, context: context, next: next)
        // The rest of an oversized body is never read: end the connection
        // rather than wait for (or parse) what the client still sends.
        if response.status == .contentTooLarge { response.headers[.connection] = "close" }
        return response
    }

    private func render(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ManagementError {
            return Responses.raw(error.body, status: HTTPResponse.Status(code: error.status.rawValue))
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = catalog.methods(for: request.uri.path).filter { $0 != request.method }
            guard allowed.isEmpty else {
                var response = Responses.errors(APIError(.methodNotAllowed, ErrorKey.Server.methodNotAllowed))
                response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                return response
            }
            return Responses.errors(ErrorRendering.apiError(for: error))
        } catch {
            let rendered = ErrorRendering.apiError(for: error)
            if rendered.status == .serviceUnavailable || ErrorRendering.isUnforeseen(error) {
                context.logger.error("request failed", metadata: ["error": "\(type(of: error))", "path": "\(request.uri.path)"])
            }
            return Responses.errors(rendered)
        }
    }
}
