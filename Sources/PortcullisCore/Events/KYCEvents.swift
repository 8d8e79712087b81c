import Foundation

/// The KYC model events: `model.profile.created/updated`,
/// `model.document.created` and `model.data_storage.created`, top-level
/// nulls dropped. A profile update is emitted whenever the row was written
/// (a state change alone gives empty `changes`, as Barong's does).
extension EventWriter {
    public func profileCreated(_ profile: Profile, of user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let record = Self.profileRecord(profile, user: try await userObject(user, in: tx))
        try await enqueue("model.profile.created", record: EventPayload.text(Self.compact(record)), in: tx, now: now)
    }

    public func profileUpdated(from old: Profile, to new: Profile, of user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let owner = try await userObject(user, in: tx)
        let after = Self.profileRecord(new, user: owner)
        let changes = Self.changes(from: Self.profileRecord(old, user: owner), to: after, ignoring: "updated_at") ?? [:]
        try await enqueue("model.profile.updated", record: EventPayload.text(Self.compact(after)), changes: EventPayload.text(changes),
                          in: tx, now: now)
    }

    public func documentCreated(_ document: DocumentRecord, of user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let record: [String: Any] = [
            "user": try await userObject(user, in: tx), "upload": Self.escaped(document.upload), "doc_type": document.docType,
            "doc_number": document.docNumber ?? NSNull(), "doc_expire": document.docExpire ?? NSNull(),
            "metadata": document.metadata ?? NSNull(),
            "created_at": Timestamp.iso8601(document.createdAt), "updated_at": Timestamp.iso8601(document.createdAt),
        ]
        try await enqueue("model.document.created", record: EventPayload.text(Self.compact(record)), in: tx, now: now)
    }

    public func dataStorageCreated(title: String, data: String, of user: User, in tx: some UserRepository & OutboxRepository, now: Int64) async throws {
        let record: [String: Any] = [
            "user": try await userObject(user, in: tx), "title": title, "data": data,
            "created_at": Timestamp.iso8601(now), "updated_at": Timestamp.iso8601(now),
        ]
        try await enqueue("model.data_storage.created", record: EventPayload.text(record), in: tx, now: now)
    }

    static func profileRecord(_ profile: Profile, user: [String: Any]) -> [String: Any] {
        [
            "user": user, "first_name": profile.firstName ?? NSNull(), "last_name": profile.lastName ?? NSNull(),
            "dob": profile.dob ?? NSNull(), "address": profile.address ?? NSNull(), "postcode": profile.postcode ?? NSNull(),
            "city": profile.city ?? NSNull(), "country": profile.country ?? NSNull(), "metadata": profile.metadata ?? NSNull(),
            "created_at": Timestamp.iso8601(profile.createdAt), "updated_at": Timestamp.iso8601(profile.updatedAt),
        ]
    }

    /// The upload's name percent-escaped as Ruby's `CGI.escape` does (letters, digits and `*-._` stay).
    static func escaped(_ text: String) -> String {
        var kept = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        kept.insert(charactersIn: "*-._")
        return text.addingPercentEncoding(withAllowedCharacters: kept) ?? ""
    }
}
