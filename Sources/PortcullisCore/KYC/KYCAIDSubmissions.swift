import Foundation

/// The outbox events that carry work to KYCAID (never published). Each is
/// written in the transaction of what causes it and delivered by
/// `KYCAIDSink`, so a KYCAID outage delays a submission and a crash loses none.
public enum KYCAIDEvent {
    public static let prefix = "kycaid."
    static let applicant = "kycaid.applicant"
    static let documents = "kycaid.documents"
    static let address = "kycaid.address"
    static let callback = "kycaid.callback"
}

/// What a KYCAID event points at: ids only, the personal data stays in the
/// sealed rows.
struct KYCAIDJob: Codable, Equatable {
    var userID: Int64?
    var profileID: Int64?
    var identificator: String?
    var verificationID: String?
    var applicantID: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", profileID = "profile_id", identificator
        case verificationID = "verification_id", applicantID = "applicant_id"
    }
}

/// The KYC steps with provider `kycaid`, as
/// outbox events; with `local` nothing is sent.
public struct KYCAIDSubmissions: Sendable {
    public let enabled: Bool
    let events: EventWriter

    public init(enabled: Bool, events: EventWriter) { self.enabled = enabled; self.events = events }

    /// Files a document batch needs before it goes: front + selfie, or front + back + selfie.
    static let requiredFiles = ["Passport": 2, "Identity card": 3, "Driver license": 3]

    /// Profile step: a submitted profile becomes an applicant.
    func applicant(for profile: Profile, in tx: some OutboxRepository, now: Int64) async throws {
        guard profile.state == "submitted" else { return }
        try await enqueue(KYCAIDEvent.applicant, KYCAIDJob(userID: profile.userID, profileID: profile.id), in: tx, now: now)
    }

    /// Document step: true when this batch completes the files its type needs
    /// (`count` rows with its identificator now, `added` of them just written),
    /// and so goes to KYCAID (and the `document` label waits as `pending`).
    static func completes(docType: String, count: Int, added: Int) -> Bool {
        guard let required = requiredFiles[docType] else { return false }
        return count >= required && count - added < required
    }

    func documents(userID: Int64, identificator: String, in tx: some OutboxRepository, now: Int64) async throws {
        try await enqueue(KYCAIDEvent.documents, KYCAIDJob(userID: userID, identificator: identificator), in: tx, now: now)
    }

    func address(userID: Int64, identificator: String, in tx: some OutboxRepository, now: Int64) async throws {
        try await enqueue(KYCAIDEvent.address, KYCAIDJob(userID: userID, identificator: identificator), in: tx, now: now)
    }

    func callback(verificationID: String, applicantID: String, in tx: some OutboxRepository, now: Int64) async throws {
        try await enqueue(KYCAIDEvent.callback, KYCAIDJob(verificationID: verificationID, applicantID: applicantID), in: tx, now: now)
    }

    private func enqueue(_ name: String, _ job: KYCAIDJob, in tx: some OutboxRepository, now: Int64) async throws {
        guard enabled else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await events.enqueue(name, record: String(decoding: try encoder.encode(job), as: UTF8.self), in: tx, now: now)
    }
}
