import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import PortcullisCore

/// One `event_webhooks` entry as a sink: the signed event
/// body POSTed as JSON with `Portcullis-Event`, `Portcullis-Event-Id` and
/// `Portcullis-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
/// A 2xx within 10 s is delivery; anything else is retried by the outbox.
/// TLS is verified against the system roots (async-http-client's default).
public struct WebhookSink: SingleEventSink {
    public let name: String
    let url: String
    let secret: String
    let envelope: EventEnvelope
    let client: HTTPClient
    let clock: any ServerClock

    public init(webhook: EventWebhook, envelope: EventEnvelope, client: HTTPClient, clock: any ServerClock) {
        name = SinkRoute.webhook(webhook).sink
        url = webhook.url
        secret = webhook.secret
        self.envelope = envelope
        self.client = client
        self.clock = clock
    }

    public func deliver(_ event: OutboxMessage) async throws {
        let body = try await envelope.body(for: event)
        let timestamp = clock.now()
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Portcullis-Event", value: event.name)
        request.headers.add(name: "Portcullis-Event-Id", value: event.jti)
        request.headers.add(name: "Portcullis-Signature", value: "t=\(timestamp),v1=\(Self.signature(secret: secret, timestamp: timestamp, body: body))")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else { throw WebhookRefused(status: Int(response.status.code)) }
    }

    /// Lower-case hex HMAC-SHA256 of `t.body`.
    public static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }
}

/// The receiver answered something other than 2xx.
public struct WebhookRefused: SinkError {
    public let status: Int
    public var description: String { "webhook answered \(status)" }
}
