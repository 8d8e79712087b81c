import SQLiteKit

/// A fixed set of SQLite connections handed out one holder at a time.
actor ConnectionPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    private let all: [SQLiteConnection]
    private var closed = false

    init(connections: [SQLiteConnection]) {
        idle = connections
        all = connections
    }

    func acquire() async -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Closes every connection exactly once (sqlite-nio crashes on a second close).
    func close() async {
        guard !closed else { return }
        closed = true
        for connection in all { try? await connection.close() }
    }
}
