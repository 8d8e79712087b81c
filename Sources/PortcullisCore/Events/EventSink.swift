/// Somewhere outbox events go (events.md E4): mail, RabbitMQ, a webhook.
/// Each sink has its own delivery state per event, so a failing sink delays
/// only itself.
public protocol EventSink: Sendable {
    /// Stable across restarts: the delivery rows carry it.
    var name: String { get }
    /// Whether events of this name are delivered here (decided when the event is written).
    func accepts(_ eventName: String) -> Bool
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

/// Which sinks take an event: asked once, when the event is written.
public struct EventRouting: Sendable {
    let sinks: [any EventSink]
    public init(sinks: [any EventSink]) { self.sinks = sinks }
    public static let none = EventRouting(sinks: [])

    public func sinks(for eventName: String) -> [String] {
        sinks.filter { $0.accepts(eventName) }.map(\.name)
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
