import Foundation
import Hummingbird
import PortcullisCore

/// Resolves the client (api.md §3.5) and reads the params of the request.
/// Forwarding headers count only when the peer is loopback or a
/// configured trusted proxy.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let trustedProxies: [String]
    let akamai: Bool
    let reader: ParamsReader
    let uploadReader: ParamsReader

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.peerIP ?? "127.0.0.1"
        var ip = peer
        if isTrusted(peer) {
            if akamai, let trueClient = request.headers[.trueClientIP], !trueClient.isEmpty,
               IPNetwork.bytes(trueClient) != nil {
                ip = trueClient
            } else if let forwarded = request.headers[.forwardedFor] {
                let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if let client = hops.first(where: { IPNetwork.bytes($0) != nil && !isTrusted($0) }) { ip = client }
            } else if let real = request.headers[.realIP], IPNetwork.bytes(real) != nil {
                ip = real
            }
            context.overHTTPS = request.headers[.forwardedProto]?.lowercased() == "https"
        }
        context.client = ClientInfo(ip: ip, userAgent: request.headers[.userAgent] ?? "")
        // Management bodies are signed JWS documents: ManagementRequestMiddleware reads them.
        if !request.uri.path.hasPrefix(Self.managementPrefix) {
            let isUpload = request.uri.path.hasSuffix("/documents") || request.uri.path.hasSuffix("/addresses")
            context.params = try await (isUpload ? uploadReader : reader).read(request)
        }
        return try await next(request, context)
    }

    static let managementPrefix = "/api/v2/auth/management/"

    private func isTrusted(_ address: String) -> Bool {
        IPNetwork.contains(cidr: "127.0.0.0/8", address: address) || address == "::1"
            || trustedProxies.contains { IPNetwork.contains(cidr: $0, address: address) }
    }
}
