import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import PortcullisCore

/// The gateway listener's one handler (`authorize_listen`), behind NIO's
/// HTTP/1.1 server pipeline (keep-alive, pipelining: one request at a time).
/// It reads a request as the main listener does — the same client rule,
/// params, body limit and path rule — and answers through GatewayCall:
/// from memory on this event loop when it can (a cached cookie session),
/// else through the async decision, resuming on this channel's loop.
final class GatewayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let call: GatewayCall
    let resolver: ClientResolver
    let cookie: SessionCookie
    let logger: Logger
    static let bodyLimit = 64 * 1024

    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// After a refusal that ends the connection: the rest of the request is ignored.
    private var closing = false
    private var peer = "127.0.0.1"

    init(call: GatewayCall, resolver: ClientResolver, cookie: SessionCookie, logger: Logger) {
        self.call = call; self.resolver = resolver; self.cookie = cookie; self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress ?? "127.0.0.1"
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            // Refused before a byte of it is read, as on the main listener.
            if ParamsReader.announces(head.headers.first(name: "content-length"), over: Self.bodyLimit) { tooLarge(context) }
        case .body(var chunk):
            guard (body?.readableBytes ?? 0) + chunk.readableBytes <= Self.bodyLimit else { return tooLarge(context) }
            if body == nil { body = chunk } else { body?.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, body: body ?? ByteBuffer(), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // No complete request head, a stalled body or an idle keep-alive: the connection ends (http_idle_timeout).
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func tooLarge(_ context: ChannelHandlerContext) {
        guard let head else { return }
        closing = true
        write(GatewayAnswer(error: APIError(.payloadTooLarge, ErrorKey.Server.tooLarge)), for: head, started: .now(),
              keepAlive: false, context: context)
    }

    private func handle(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let started = NIODeadline.now()
        let keepAlive = head.isKeepAlive
        let uri = URI(head.uri)
        let route = GatewayCall.Route(uri.path)
        let headers = head.headers
        let client = resolver.resolve(
            peer: peer, trueClientIP: headers.first(name: "true-client-ip"), forwardedFor: headers["x-forwarded-for"],
            realIP: headers.first(name: "x-real-ip"), forwardedProto: headers.first(name: "x-forwarded-proto"),
            userAgent: headers.first(name: "user-agent")
        ).client
        let request: AuthorizeRequest
        do {
            // The main listener's order: params, restrictions, path.
            let params = try ParamsReader.params(uri: uri, body: body, contentType: headers.first(name: "content-type"))
            let restricted = try call.restrictionsFromMemory(route, client: client)
            request = AuthorizeRequest(
                method: head.method.rawValue, path: restricted ? try route.path.get() : "",
                cookie: cookie.read(cookieHeaders: headers["cookie"]), csrfHeader: headers.first(name: "x-csrf-token"),
                apiKey: headers.first(name: "x-auth-apikey"), nonce: headers.first(name: "x-auth-nonce"),
                signature: headers.first(name: "x-auth-signature"), client: client, params: params.texts,
                bearer: AuthorizeRequest.bearerToken(headers.first(name: "authorization"))
            )
            if restricted, let answer = call.answerFromMemory(request) {
                return write(answer, for: head, started: started, keepAlive: keepAlive, context: context)
            }
        } catch {
            return write(GatewayAnswer(refusal: error), for: head, started: started, keepAlive: keepAlive, context: context)
        }
        // The database, a signature or an audit row is needed: the async decision, answered on this loop.
        let call = self.call
        let promise = context.eventLoop.makePromise(of: GatewayAnswer.self)
        promise.completeWithTask {
            do {
                try await call.restrictions(route, client: client)
                var checked = request
                checked.path = try route.path.get()
                return await call.answer(checked)
            } catch {
                return GatewayAnswer(refusal: error)
            }
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { answer in
            let (handler, context) = bound.value
            handler.write(answer, for: head, started: started, keepAlive: keepAlive, context: context)
        }
    }

    private func write(_ answer: GatewayAnswer, for request: HTTPRequestHead, started: NIODeadline, keepAlive: Bool,
                       context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: GatewayAnswer.contentType)
        if let authorization = answer.authorization { headers.add(name: "Authorization", value: authorization) }
        headers.add(name: "Content-Length", value: String(answer.body.utf8.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !answer.body.isEmpty && request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
        if logger.logLevel <= .info {
            let ms = Double((NIODeadline.now() - started).nanoseconds) / 1e6
            logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(URI(request.uri).path)", "status": "\(answer.status)",
                "duration_ms": "\(String(format: "%.2f", ms))", "listener": "gateway",
            ])
        }
    }
}
