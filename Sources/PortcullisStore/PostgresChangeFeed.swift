import Foundation
import Logging
import PortcullisCore
import PostgresNIO

/// Carries `StoreChanges` between instances over PostgreSQL's LISTEN/NOTIFY.
/// A write sends its changes with `pg_notify` inside its transaction, so they
/// go out exactly when it commits; every instance listens on one dedicated
/// connection and hands what others committed to its observers. Whenever the
/// listening connection is (re)established, observers are told `.all`: what
/// was committed while nobody listened is unknown, so every cache is dropped.
struct PostgresChangeFeed: Sendable {
    static let channel = "portcullis_changes"
    /// NOTIFY payloads must stay under 8000 bytes; a bigger change set is sent as "everything".
    static let payloadLimit = 7_500

    /// Tells this instance's own notifications apart (it applied them at commit).
    let instance = UUID().uuidString
    let logger: Logger

    struct Message: Codable {
        var instance: String
        var users: [Int64] = []
        var sessions: [String] = []
        var apiKeys: [String] = []
        var events = false
        var restrictions = false
        var permissions = false
        var everything = false
    }

    func encode(_ changes: StoreChanges) -> String {
        var message = Message(instance: instance, users: changes.userIDs.sorted(), sessions: changes.sessionHashes.sorted(),
                              apiKeys: changes.apiKeyIDs.sorted(), events: changes.enqueuedEvents,
                              restrictions: changes.restrictions, permissions: changes.permissions, everything: changes.everything)
        var text = Self.json(message)
        if text.utf8.count > Self.payloadLimit {
            message = Message(instance: instance, events: true, restrictions: true, permissions: true, everything: true)
            text = Self.json(message)
        }
        return text
    }

    /// Another instance's changes; nil for this instance's own and for garbage.
    func decode(_ payload: String) -> StoreChanges? {
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(payload.utf8)),
              message.instance != instance else { return nil }
        var changes = StoreChanges()
        changes.userIDs = Set(message.users)
        changes.sessionHashes = Set(message.sessions)
        changes.apiKeyIDs = Set(message.apiKeys)
        changes.enqueuedEvents = message.events
        changes.restrictions = message.restrictions
        changes.permissions = message.permissions
        changes.everything = message.everything
        return changes
    }

    private static func json(_ message: Message) -> String {
        (try? JSONEncoder().encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Listens until cancelled, reconnecting after a second when the link drops.
    func listen(client: PostgresClient, deliver: @escaping @Sendable (StoreChanges) -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        deliver(.all)
                        for try await notification in notifications {
                            if let changes = decode(notification.payload) { deliver(changes) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change feed lost its connection; caches dropped, reconnecting",
                               metadata: ["error": "\(String(reflecting: type(of: error)))"])
                deliver(.all)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
