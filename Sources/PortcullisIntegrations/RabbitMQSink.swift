import CRabbitMQ
import Foundation
import PortcullisCore

/// Where the broker is: Barong's settings, or an `amqp://` URL.
public struct RabbitMQSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String
    public var vhost: String

    public init(host: String, port: Int, username: String, password: String, vhost: String = "/") {
        self.host = host; self.port = port; self.username = username; self.password = password; self.vhost = vhost
    }

    /// `amqp://user:pass@host:port/vhost` (vhost percent-decoded; none = `/`).
    public init?(url: String) {
        guard let parts = URLComponents(string: url), parts.scheme == "amqp", let host = parts.host, !host.isEmpty else { return nil }
        let path = parts.percentEncodedPath.hasPrefix("/") ? String(parts.percentEncodedPath.dropFirst()) : parts.percentEncodedPath
        self.init(host: host, port: parts.port ?? 5672, username: parts.user ?? "guest", password: parts.password ?? "guest",
                  vhost: path.isEmpty ? "/" : (path.removingPercentEncoding ?? path))
    }
}

/// The RabbitMQ sink: every event, signed (EventEnvelope),
/// to `barong.events.<category>` with the rest of its name as routing key,
/// persistent, with publisher confirms: an event counts as delivered only
/// when the broker has confirmed it. rabbitmq-c blocks, so the connection
/// lives on a thread of its own; a failure drops it and the next attempt
/// (after the outbox's backoff) connects again.
public final class RabbitMQSink: EventSink, @unchecked Sendable {
    public let name = SinkRoute.rabbitMQ.sink
    let settings: RabbitMQSettings
    let envelope: EventEnvelope
    private let thread = BlockingThread(name: "portcullis.amqp")
    /// Touched only on `thread`.
    private var connection: amqp_connection_state_t?
    private var declared: Set<String> = []
    private var deliveryTag: UInt64 = 0
    static let channel: amqp_channel_t = 1
    /// One signed event on its way: where it goes, its id, its body.
    typealias Outgoing = (exchange: String, key: String, jti: String, body: [UInt8])
    static let timeoutSeconds = 10

    public init(settings: RabbitMQSettings, envelope: EventEnvelope) {
        self.settings = settings
        self.envelope = envelope
    }

    /// `system.user.email.confirmed` → (`barong.events.system`, `user.email.confirmed`).
    public static func route(_ eventName: String) -> (exchange: String, routingKey: String) {
        let category = eventName.prefix { $0 != "." }
        return ("barong.events.\(category)", String(eventName.dropFirst(category.count + 1)))
    }

    public func deliver(_ events: [OutboxMessage]) async -> SinkResult {
        let signed = await envelope.bodies(for: events)
        let bodies: [Outgoing] = zip(events, signed.bodies).map { event, body in
            let (exchange, key) = Self.route(event.name)
            return (exchange, key, event.jti, body)
        }
        return await publish(bodies, failure: signed.error)
    }

    private func publish(_ bodies: [Outgoing], failure: (any Error)?) async -> SinkResult {
        guard !bodies.isEmpty else { return SinkResult(delivered: 0, error: failure) }
        do {
            let confirmed = try await thread.run { self.publishConfirmed(bodies) }
            return SinkResult(delivered: confirmed.count, error: confirmed.error ?? failure)
        } catch {
            return SinkResult(delivered: 0, error: error)
        }
    }

    // MARK: on the AMQP thread

    /// Publishes in order and waits for the confirms: how many, from the
    /// first, the broker confirmed, and why the rest were not.
    private func publishConfirmed(_ bodies: [Outgoing])
        -> (count: Int, error: AMQPError?) {
        do {
            let conn = try connected()
            let first = deliveryTag + 1
            for message in bodies {
                try declare(message.exchange, on: conn)
                // Every pointer handed to rabbitmq-c lives for the whole call.
                let status = message.jti.withCString { jti -> Int32 in
                    var properties = portcullis_amqp_properties(jti)
                    return Self.bytes(message.exchange) { exchange in
                        Self.bytes(message.key) { key in
                            message.body.withUnsafeBytes { raw in
                                let body = amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                                return amqp_basic_publish(conn, Self.channel, exchange, key, 0, 0, &properties, body)
                            }
                        }
                    }
                }
                guard status == AMQP_STATUS_OK.rawValue else { throw AMQPError("publish", status: status) }
                deliveryTag += 1
            }
            let acked = try awaitConfirms(first: first, last: deliveryTag, on: conn)
            return (acked, acked < bodies.count ? AMQPError("the broker refused (nack) an event") : nil)
        } catch let error as AMQPError {
            disconnect()
            return (error.confirmedBeforeFailure, error)
        } catch {
            disconnect()
            return (0, AMQPError("\(error)"))
        }
    }

    /// Reads confirms until every tag up to `last` is settled; returns how
    /// many from `first` were acked before the first nack.
    private func awaitConfirms(first: UInt64, last: UInt64, on conn: amqp_connection_state_t) throws -> Int {
        var confirms = ConfirmTracker(first: first)
        let deadline = Date().addingTimeInterval(TimeInterval(Self.timeoutSeconds))
        while confirms.settledUpTo < last {
            var frame = amqp_frame_t()
            var timeout = timeval(tv_sec: max(1, Int(deadline.timeIntervalSinceNow.rounded(.up))), tv_usec: 0)
            let status = amqp_simple_wait_frame_noblock(conn, &frame, &timeout)
            var tag: UInt64 = 0, multiple: Int32 = 0
            let kind = status == AMQP_STATUS_OK.rawValue ? portcullis_amqp_confirm(&frame, &tag, &multiple) : -1
            switch kind {
            case 1, 2: confirms.settle(tag, multiple: multiple != 0, ack: kind == 1)
            case 0: continue
            default:
                var error = kind == 3 ? AMQPError("the broker closed the channel") : AMQPError("waiting for confirms", status: status)
                error.confirmedBeforeFailure = confirms.ackedPrefix
                throw error
            }
        }
        return confirms.ackedPrefix
    }

    private func connected() throws -> amqp_connection_state_t {
        if let connection { return connection }
        guard let conn = amqp_new_connection() else { throw AMQPError("no connection state") }
        do {
            guard let socket = amqp_tcp_socket_new(conn) else { throw AMQPError("no socket") }
            var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
            let opened = amqp_socket_open_noblock(socket, settings.host, Int32(settings.port), &timeout)
            guard opened == AMQP_STATUS_OK.rawValue else { throw AMQPError("connect to \(settings.host):\(settings.port)", status: opened) }
            var rpcTimeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
            _ = amqp_set_rpc_timeout(conn, &rpcTimeout)
            try check(portcullis_amqp_login(conn, settings.vhost, settings.username, settings.password), "login")
            _ = amqp_channel_open(conn, Self.channel)
            try check(amqp_get_rpc_reply(conn), "channel.open")
            _ = amqp_confirm_select(conn, Self.channel)
            try check(amqp_get_rpc_reply(conn), "confirm.select")
        } catch {
            amqp_destroy_connection(conn)
            throw error
        }
        connection = conn
        declared = []
        deliveryTag = 0
        return conn
    }

    /// `direct`, not durable, not auto-delete, no arguments: the flags the consumers declare too.
    private func declare(_ exchange: String, on conn: amqp_connection_state_t) throws {
        guard !declared.contains(exchange) else { return }
        Self.bytes(exchange) { name in
            Self.bytes("direct") { type in _ = amqp_exchange_declare(conn, Self.channel, name, type, 0, 0, 0, 0, amqp_empty_table) }
        }
        try check(amqp_get_rpc_reply(conn), "exchange.declare \(exchange)")
        declared.insert(exchange)
    }

    private func check(_ reply: amqp_rpc_reply_t, _ step: String) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL: return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION: throw AMQPError("\(step) failed", status: reply.library_error)
        default: throw AMQPError("\(step) refused by the broker")
        }
    }

    /// `text` as rabbitmq-c bytes, valid inside `body` only.
    static func bytes<T>(_ text: String, _ body: (amqp_bytes_t) -> T) -> T {
        var copy = text
        return copy.withUTF8 { utf8 in body(amqp_bytes_t(len: utf8.count, bytes: UnsafeMutableRawPointer(mutating: utf8.baseAddress))) }
    }

    private func disconnect() {
        guard let conn = connection else { return }
        connection = nil
        _ = amqp_channel_close(conn, Self.channel, Int32(AMQP_REPLY_SUCCESS))
        _ = amqp_connection_close(conn, Int32(AMQP_REPLY_SUCCESS))
        amqp_destroy_connection(conn)
    }
}

/// A publishing failure, with rabbitmq-c's reason when it gave one.
public struct AMQPError: SinkError {
    public let description: String
    /// Events of the batch the broker had confirmed before it failed.
    var confirmedBeforeFailure = 0

    init(_ what: String, status: Int32? = nil) {
        if let status, let text = amqp_error_string2(status) {
            description = "\(what): \(String(cString: text))"
        } else {
            description = what
        }
    }
}

/// Publisher confirms of one batch (delivery tags `first`…): a `multiple`
/// confirm settles every tag up to it, others settle one tag, possibly out of order.
struct ConfirmTracker {
    let first: UInt64
    private(set) var settledUpTo: UInt64
    private var settledAhead: Set<UInt64> = []
    private var firstNack: UInt64?

    init(first: UInt64) {
        self.first = first
        settledUpTo = first - 1
    }

    mutating func settle(_ tag: UInt64, multiple: Bool, ack: Bool) {
        if !ack, tag > settledUpTo || settledAhead.contains(tag) {
            let lowest = multiple ? settledUpTo + 1 : tag
            firstNack = min(firstNack ?? lowest, lowest)
        }
        if multiple { settledUpTo = max(settledUpTo, tag) } else { settledAhead.insert(tag) }
        while settledAhead.contains(settledUpTo + 1) { settledUpTo += 1 }
        settledAhead = settledAhead.filter { $0 > settledUpTo }
    }

    /// Acked tags in a row from `first`.
    var ackedPrefix: Int {
        let end = min(settledUpTo, (firstNack ?? UInt64.max) &- 1)
        return end >= first ? Int(end - first + 1) : 0
    }
}
