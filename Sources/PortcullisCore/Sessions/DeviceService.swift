/// `resource/devices`: the browsers a user has signed in from, and
/// forgetting one (its next sign-in alerts again).
public struct DeviceService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    /// The devices, the last seen first; `current` is the caller's (by its device cookie).
    public func list(for user: User, client: ClientInfo) async throws -> [(device: DeviceRecord, current: Bool)] {
        try await store.read { tx in try await tx.devices(userID: user.id) }.map { ($0, $0.idHash == client.deviceHash) }
    }

    public func forget(_ id: Int64?, of user: User, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in
            guard let id, try await tx.deleteDevice(userID: user.id, id: id) else {
                throw APIError(.notFound, ErrorKey.Device.doesntExist)
            }
            try await tx.insertActivity(NewActivity(userID: user.id, client: client, topic: "session", action: "forget device",
                                                    result: "succeed", now: now))
        }
    }
}
