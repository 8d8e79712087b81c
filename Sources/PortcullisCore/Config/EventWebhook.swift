import Foundation

/// One entry of `event_webhooks`: where to POST, which events
/// (full names or prefixes ending in `.`), and the HMAC secret.
public struct EventWebhook: Sendable, Equatable {
    public var url: String
    public var events: [String]
    public var secret: String

    public init(url: String, events: [String], secret: String) { self.url = url; self.events = events; self.secret = secret }

    /// The list as the JSON file holds it, or as JSON text in `BARONG_EVENT_WEBHOOKS`.
    static func parse(_ value: Any, name: String) throws -> [EventWebhook] {
        var items = value
        if let text = value as? String {
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw ConfigError("\(name): not a JSON list of {url, events, secret}")
            }
            items = parsed
        }
        guard let list = items as? [Any] else { throw ConfigError("\(name): not a list of {url, events, secret}") }
        return try list.enumerated().map { index, item in
            guard let entry = item as? [String: Any], let url = entry["url"] as? String,
                  let events = entry["events"] as? [String], let secret = entry["secret"] as? String else {
                throw ConfigError("\(name)[\(index)]: needs url (string), events (list of names) and secret (string)")
            }
            guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme ?? ""), parts.host != nil else {
                throw ConfigError("\(name)[\(index)].url: must be an http(s) URL")
            }
            guard !events.isEmpty, !secret.isEmpty else {
                throw ConfigError("\(name)[\(index)]: events and secret must not be empty")
            }
            return EventWebhook(url: url, events: events, secret: secret)
        }
    }
}
