import Foundation
import Hummingbird
import PortcullisCore

/// Resolves the client and locates it (GeoIP, when a
/// database is loaded). Forwarding headers count only when the peer is a
/// trusted network.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let resolver: ClientResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        (context.client, context.overHTTPS) = resolver.resolve(
            peer: context.peerIP ?? "127.0.0.1", trueClientIP: request.headers[.trueClientIP],
            forwardedFor: request.headers[values: .forwardedFor], realIP: request.headers[.realIP],
            forwardedProto: request.headers[.forwardedProto], userAgent: request.headers[.userAgent]
        )
        context.client.deviceHash = DeviceCookie.hash(from: request)
        context.client.crossSite = request.headers[.secFetchSite] == "cross-site"
        return try await next(request, context)
    }
}

/// Reads the params of a request (query and body) with its group's body
/// limit: 64 KiB for most routes, 10 MiB for uploads. Management routes
/// have none: their signed bodies are read by ManagementRequestMiddleware.
struct ParamsMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let reader: ParamsReader

    static let standard = ParamsMiddleware(reader: ParamsReader(bodyLimit: 64 * 1024))
    static let uploads = ParamsMiddleware(reader: ParamsReader(bodyLimit: 10 * 1024 * 1024))

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.params = try await reader.read(request)
        return try await next(request, context)
    }
}
