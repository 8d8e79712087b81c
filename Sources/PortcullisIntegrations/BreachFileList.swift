import Foundation
import PortcullisCore

/// The downloadable breach list searched in place (`BreachFile`), each
/// lookup on one of a few threads of its own: a page fault on a cold file
/// must not hold an event loop or the cooperative pool, and one slow
/// lookup must not queue every other behind it. Before each lookup the path
/// is checked: a list replaced by a rename is reopened; one written over in
/// place is not read until it is whole again (meanwhile the list "does not
/// answer" and the fail-open rule decides).
public final class BreachFileList: BreachedPasswordList, @unchecked Sendable {  // `current` is guarded by `lock`
    let path: String
    let threads: [BlockingThread]
    let timeoutMilliseconds: Int
    private let lock = NSLock()
    private var current: BreachFile?
    private var next = 0

    public init(path: String, timeoutMilliseconds: Int, threads count: Int = 4) throws {
        self.path = path
        self.timeoutMilliseconds = timeoutMilliseconds
        current = try BreachFile(path: path)
        threads = (0..<count).map { BlockingThread(name: "portcullis-breach-file-\($0)") }
    }

    public func count(sha1 digest: [UInt8]) async throws -> Int {
        let thread = lock.withLock { () -> BlockingThread in
            next = (next + 1) % threads.count
            return threads[next]
        }
        return try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await thread.run { try self.lookUp(digest) } }
            group.addTask { try await Task.sleep(for: .milliseconds(self.timeoutMilliseconds)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let count = first else {
                throw BreachRangeClient.Unavailable(description: "no lookup within \(timeoutMilliseconds) ms")
            }
            return count
        }
    }

    /// On a lookup thread: the file as the path names it now, then the search.
    private func lookUp(_ digest: [UInt8]) throws -> Int {
        let file = try lock.withLock { () throws -> BreachFile in
            if let current, current.isCurrent(path: path) { return current }
            current = nil
            do {
                let reopened = try BreachFile(path: path)
                current = reopened
                return reopened
            } catch {
                throw BreachRangeClient.Unavailable(description: "the list changed and cannot be read: \(error)")
            }
        }
        return file.count(sha1: digest) ?? 0
    }
}
