import Foundation
import Hummingbird
import PortcullisCore

/// Resolves the client (api.md §3.5), locates it (GeoIP, when a database is
/// loaded) and reads the params of the request. Forwarding headers count
/// only when the peer is a trusted network.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let resolver: ClientResolver
    let reader: ParamsReader
    let uploadReader: ParamsReader

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        (context.client, context.overHTTPS) = resolver.resolve(
            peer: context.peerIP ?? "127.0.0.1", trueClientIP: request.headers[.trueClientIP],
            forwardedFor: request.headers[values: .forwardedFor], realIP: request.headers[.realIP],
            forwardedProto: request.headers[.forwardedProto], userAgent: request.headers[.userAgent]
        )
        // Management bodies are signed JWS documents: ManagementRequestMiddleware reads them.
        if !request.uri.path.hasPrefix(Self.managementPrefix) {
            let isUpload = request.uri.path.hasSuffix("/documents") || request.uri.path.hasSuffix("/addresses")
            context.params = try await (isUpload ? uploadReader : reader).read(request)
        }
        return try await next(request, context)
    }

    static let managementPrefix = "/api/v2/auth/management/"
}
