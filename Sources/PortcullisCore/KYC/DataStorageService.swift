import Foundation

/// `POST resource/data_storage`.
public struct DataStorageService: Sendable {
    let store: any Store
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let allowedTitles: Set<String>
    static let reservedTitles: Set<String> = ["document", "label", "profile", "phone", "user"]

    public init(store: any Store, userWriter: UserWriter, events: EventWriter, clock: any ServerClock, allowedTitles: [String]) {
        self.store = store; self.userWriter = userWriter; self.events = events; self.clock = clock
        self.allowedTitles = Set(allowedTitles.map { $0.lowercased() })
    }

    public func create(title rawTitle: String, data: String, for user: User) async throws {
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        let lowered = title.lowercased()
        var errors: [String] = []
        if !allowedTitles.contains(lowered) { errors.append("title.inclusion") }
        if Self.reservedTitles.contains(lowered) { errors.append("title.exclusion") }
        // The title becomes a label key, so it must satisfy the label rules (deliberate difference).
        if LabelRules.violation(LabelRules.normalize(title), attribute: "title") != nil { errors.append(ErrorKey.Record.titleInvalid) }
        if (try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed])) == nil {
            errors.append(ErrorKey.Record.dataInvalidFormat)
        }
        if data.count > 5120 { errors.append(ErrorKey.Record.dataTooLong) }
        let taken = try await store.read { tx in try await tx.fullInfo(of: user) }.dataStorages
            .contains { $0.title.lowercased() == lowered }
        if taken { errors.append(ErrorKey.Record.titleTaken) }
        guard errors.isEmpty else { throw APIError(.unprocessable, keys: errors) }
        let now = clock.now()
        let (userWriter, events) = (self.userWriter, self.events)
        do {
            try await store.write { tx in
                try await tx.insertDataStorage(userID: user.id, title: title, data: data, now: now)
                _ = try await userWriter.setPrivateLabel(LabelRules.normalize(title), "recorded", on: user, in: tx, now: now)
                try await events.dataStorageCreated(title: title, data: data, of: user, in: tx, now: now)
            }
        } catch is DuplicateRecord {
            throw APIError(.unprocessable, ErrorKey.Record.titleTaken)
        }
    }
}
