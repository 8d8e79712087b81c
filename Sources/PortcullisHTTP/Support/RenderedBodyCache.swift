import Hummingbird
import PortcullisCore
import Synchronization

/// The serialized `users/me` body of recent callers, reused while their
/// full info is unchanged (building the JSON was 9 % of that route's
/// profile). The info itself comes from the auth cache, so a write that
/// changes it yields a different value here and a fresh render.
final class RenderedBodyCache: Sendable {
    private let entries = Mutex<[Int64: (info: UserFullInfo, body: ByteBuffer)]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func body(for info: UserFullInfo, render: (UserFullInfo) -> JSONValue) -> ByteBuffer {
        if let hit = entries.withLock({ $0[info.user.id] }), hit.info == info { return hit.body }
        let body = ByteBuffer(string: render(info).serialized())
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[info.user.id] = (info, body)
        }
        return body
    }
}
