import Synchronization

/// What a committed write transaction changed, as far as caches care:
/// the users whose rows (or labels, sessions, …) changed and the sessions
/// that were deleted or renewed.
public struct StoreChanges: Sendable {
    public var userIDs: Set<Int64> = []
    public var sessionHashes: Set<String> = []
    /// Whether an event entered the outbox (wakes the outbox worker).
    public var enqueuedEvents = false
    /// API keys (by kid) whose state, scope or existence changed.
    public var apiKeyIDs: Set<String> = []
    /// Whether the restriction rows changed.
    public var restrictions = false
    /// Whether the permission rows changed.
    public var permissions = false
    /// Set when changes may have been missed (another instance's, while the
    /// link to the database was down): every cached entry must go.
    public var everything = false
    public init() {}
    public var isEmpty: Bool {
        userIDs.isEmpty && sessionHashes.isEmpty && !enqueuedEvents && apiKeyIDs.isEmpty && !restrictions && !permissions
            && !everything
    }

    /// All changes, as told when no one knows which.
    public static var all: StoreChanges {
        var changes = StoreChanges()
        changes.everything = true
        changes.restrictions = true
        changes.permissions = true
        changes.enqueuedEvents = true
        return changes
    }
}

/// Collects `StoreChanges` while a transaction runs; the store hands the
/// result to its observers after COMMIT (never after a rollback).
public final class StoreChangeRecorder: Sendable {
    private let changes = Mutex(StoreChanges())
    public init() {}

    public func touch(userID: Int64) { changes.withLock { _ = $0.userIDs.insert(userID) } }
    public func touch(sessionHash: String) { changes.withLock { _ = $0.sessionHashes.insert(sessionHash) } }
    public func touch(apiKeyID kid: String) { changes.withLock { _ = $0.apiKeyIDs.insert(kid) } }
    public func enqueuedEvent() { changes.withLock { $0.enqueuedEvents = true } }
    public func touchRestrictions() { changes.withLock { $0.restrictions = true } }
    public func touchPermissions() { changes.withLock { $0.permissions = true } }
    /// Cached data of every user may be stale (e.g. every session ended).
    public func touchEverything() { changes.withLock { $0.everything = true } }
    public var recorded: StoreChanges { changes.withLock { $0 } }
}

/// Told about every committed change (e.g. to drop cached entries).
public protocol StoreCommitObserver: Sendable {
    func committed(_ changes: StoreChanges)
}
