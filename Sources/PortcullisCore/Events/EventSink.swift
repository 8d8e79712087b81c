/// Somewhere outbox events go: mail, RabbitMQ, a webhook.
/// Each sink has its own delivery state per event, so a failing sink delays
/// only itself.
public protocol EventSink: Sendable {
    /// Stable across restarts: the delivery rows carry it (`SinkRoute.sink`).
    var name: String { get }
    /// Delivers `events` in order; returns how many, from the first, were
    /// delivered, and the error that stopped the rest (nil when all went).
    func deliver(_ events: [OutboxMessage]) async -> SinkResult
}

public struct SinkResult: Sendable {
    public var delivered: Int
    public var error: (any Error)?
    public init(delivered: Int, error: (any Error)? = nil) { self.delivered = delivered; self.error = error }
}

/// A sink that delivers one event at a time.
public protocol SingleEventSink: EventSink {
    func deliver(_ event: OutboxMessage) async throws
}

extension SingleEventSink {
    public func deliver(_ events: [OutboxMessage]) async -> SinkResult {
        for (index, event) in events.enumerated() {
            do { try await deliver(event) } catch { return SinkResult(delivered: index, error: error) }
        }
        return SinkResult(delivered: events.count)
    }
}

/// Which events one sink takes, known from the configuration alone, so
/// that whatever writes events (the server, the CLI) routes them alike
/// without building the sinks.
public struct SinkRoute: Sendable {
    public let sink: String
    let takes: @Sendable (String) -> Bool

    public init(sink: String, takes: @escaping @Sendable (String) -> Bool) { self.sink = sink; self.takes = takes }

    /// Mail: the two token events and the security notices.
    public static let mail = SinkRoute(sink: "mail") {
        $0 == EventName.emailConfirmationToken || $0 == EventName.passwordResetToken || SecurityNotice(event: $0) != nil
    }
    /// RabbitMQ: every published event (`EventName.published`).
    public static let rabbitMQ = SinkRoute(sink: "rabbitmq") { EventName.published.contains($0) }
    /// KYCAID: the submissions and callbacks it is sent (`kycaid.*`, never published).
    public static let kycaid = SinkRoute(sink: "kycaid") { $0.hasPrefix(KYCAIDEvent.prefix) }

    /// One `event_webhooks` entry: the published events its filter names. Named
    /// after its URL, so the delivery rows stay with the endpoint if the list is reordered.
    public static func webhook(_ webhook: EventWebhook) -> SinkRoute {
        let filter = EventFilter(webhook.events)
        return SinkRoute(sink: "webhook:" + String(sha256Hex(webhook.url).prefix(12))) {
            EventName.published.contains($0) && filter.matches($0)
        }
    }
}

/// Which sinks take an event: asked once, when the event is written.
public struct EventRouting: Sendable {
    let routes: [SinkRoute]
    public init(routes: [SinkRoute]) { self.routes = routes }
    public static let none = EventRouting(routes: [])

    /// Mail always; RabbitMQ when a broker is set; KYCAID when it is the provider; each webhook.
    public static func configured(rabbitMQ: Bool, kycaid: Bool, webhooks: [EventWebhook]) -> EventRouting {
        EventRouting(routes: [.mail] + (rabbitMQ ? [.rabbitMQ] : []) + (kycaid ? [.kycaid] : []) + webhooks.map(SinkRoute.webhook))
    }

    public func sinks(for eventName: String) -> [String] {
        routes.filter { $0.takes(eventName) }.map(\.sink)
    }
}

/// An event name filter as `event_webhooks` writes it: a full name, or a
/// prefix ending in `.` (`system.user.`); `*` takes everything.
public struct EventFilter: Sendable, Equatable {
    public let patterns: [String]
    public init(_ patterns: [String]) { self.patterns = patterns }

    public func matches(_ name: String) -> Bool {
        patterns.contains { $0 == "*" || $0 == name || ($0.hasSuffix(".") && name.hasPrefix($0)) }
    }
}
