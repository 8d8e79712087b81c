import Foundation
import Hummingbird
import PortcullisCore

/// Resolves the client (api.md §3.5), locates it (GeoIP, when a database is
/// loaded) and reads the params of the request. Forwarding headers count
/// only when the peer is a trusted network.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let trusted: TrustedNetworks
    let geo: (any GeoLocator)?
    let akamai: Bool
    let reader: ParamsReader
    let uploadReader: ParamsReader

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.peerIP ?? "127.0.0.1"
        var ip = peer
        if trusted.contains(peer) {
            if akamai, let trueClient = request.headers[.trueClientIP], !trueClient.isEmpty,
               IPNetwork.bytes(trueClient) != nil {
                ip = trueClient
            } else if request.headers[.forwardedFor] != nil {
                ip = trusted.client(forwardedFor: request.headers[values: .forwardedFor]) ?? peer
            } else if let real = request.headers[.realIP], IPNetwork.bytes(real) != nil {
                ip = real
            }
            context.overHTTPS = request.headers[.forwardedProto]?.lowercased() == "https"
        }
        context.client = ClientInfo(ip: ip, userAgent: request.headers[.userAgent] ?? "")
        if let geo, let location = geo.locate(ip: ip) {
            context.client.country = location.country
            context.client.continent = location.continent
        }
        // Management bodies are signed JWS documents: ManagementRequestMiddleware reads them.
        if !request.uri.path.hasPrefix(Self.managementPrefix) {
            let isUpload = request.uri.path.hasSuffix("/documents") || request.uri.path.hasSuffix("/addresses")
            context.params = try await (isUpload ? uploadReader : reader).read(request)
        }
        return try await next(request, context)
    }

    static let managementPrefix = "/api/v2/auth/management/"
}
