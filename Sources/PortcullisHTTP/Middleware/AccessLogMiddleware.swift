import Hummingbird
import Logging
import NIOCore

/// One line per request: method, path (never the query string, which may
/// carry secrets), status and duration.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("request", metadata: [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path)",
            "status": "\(response.status.code)",
            "duration_ms": "\(String(format: "%.2f", ms))",
        ])
        return response
    }
}

import Foundation
