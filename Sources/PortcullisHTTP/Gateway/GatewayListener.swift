import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PortcullisCore
import ServiceLifecycle

/// `authorize_listen`: the authorize call alone on a plain SwiftNIO HTTP/1.1
/// pipeline (NIO's server pipeline with pipelining assistance and error
/// handling, an idle timer, one GatewayHandler), on the event loops the
/// main listener uses. Started and stopped with `serve`.
struct GatewayListener: Service {
    let host: String
    let port: Int
    let call: GatewayCall
    let resolver: ClientResolver
    let cookie: SessionCookie
    let idleTimeout: Int
    let logger: Logger

    func run() async throws {
        let (call, resolver, cookie, logger) = (self.call, self.resolver, self.cookie, self.logger)
        let idle = TimeAmount.seconds(Int64(idleTimeout))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // Outbound header validation is off: the handler writes four fixed
                    // names, a number and a base64url JWT, never a client's bytes.
                    try pipeline.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true, withOutboundHeaderValidation: false)
                    try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                    try pipeline.addHandler(GatewayHandler(call: call, resolver: resolver, cookie: cookie, logger: logger))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("gateway listener started", metadata: ["address": "\(host):\(channel.localAddress?.port ?? port)"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}
