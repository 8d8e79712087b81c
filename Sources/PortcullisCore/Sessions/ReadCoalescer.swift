import Synchronization

/// Concurrent cache misses for one key share one database read, so when a
/// hot entry expires the requests waiting for it cost one read, not one
/// each. Only reads begun in the same cache generation are shared: a read
/// that started before an invalidation (a logout, say) is never handed to a
/// request that checked the cache after it.
final class ReadCoalescer<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Flight {
        let generation: UInt64
        let task: Task<Value, any Error>
    }

    private let flights = Mutex<[Key: Flight]>([:])

    func load(_ key: Key, generation: UInt64, _ read: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = flights.withLock { table in
            if let flight = table[key], flight.generation == generation { return flight.task }
            let task = Task { try await read() }
            table[key] = Flight(generation: generation, task: task)
            return task
        }
        defer {
            flights.withLock { table in
                if table[key]?.task == task { table[key] = nil }
            }
        }
        return try await task.value
    }
}
