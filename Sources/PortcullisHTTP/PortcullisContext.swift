import Hummingbird
import NIOCore
import PortcullisCore

/// Per-request state: the socket peer, the resolved client, the merged
/// params and, on resource routes, the authenticated caller.
public struct PortcullisContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The socket peer's IP, or nil in router tests (treated as loopback).
    public let peerIP: String?
    var client = ClientInfo(ip: "127.0.0.1", userAgent: "")
    var params = Params()
    var caller: Caller?
    /// On console routes: the signed-in operator.
    var consoleOperator: ConsoleSessionService.Operator?
    /// Whether the client reached us over https (per a trusted proxy).
    var overHTTPS = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerIP = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated caller on resource routes.
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError(.unauthorized, ErrorKey.Authz.invalidSession) }
        return caller
    }
}

/// Who a resource call acts for: the user, and the cookie session when
/// the call came with one (a bearer JWT from the gateway has none).
struct Caller: Sendable {
    var user: User
    var session: SessionRecord?
    /// Opened by a recovery code less than 15 minutes ago: no sensitive write yet.
    var recoveryRestricted = false
}
