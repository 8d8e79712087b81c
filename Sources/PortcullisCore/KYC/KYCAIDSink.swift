import Foundation
import Logging

/// Sends KYCAID what `KYCAIDSubmissions` wrote, in order, as one more
/// outbox sink: a KYCAID outage or 5xx is retried with the
/// outbox backoff; a refusal (4xx) sets the KYC label to `rejected`, as
/// Barong does. Applicants must come first: they are, since one sink
/// delivers in commit order.
public struct KYCAIDSink: SingleEventSink {
    let store: any Store
    let provider: any KYCProvider
    let files: any FileStore
    let userWriter: UserWriter
    let events: EventWriter
    let clock: any ServerClock
    let logger: Logger

    public init(store: any Store, provider: any KYCProvider, files: any FileStore, userWriter: UserWriter, events: EventWriter,
                clock: any ServerClock, logger: Logger) {
        self.store = store; self.provider = provider; self.files = files; self.userWriter = userWriter; self.events = events
        self.clock = clock; self.logger = logger
    }

    public var name: String { SinkRoute.kycaid.sink }

    public func deliver(_ event: OutboxMessage) async throws {
        guard let job = try? JSONDecoder().decode(KYCAIDJob.self, from: Data(event.payload.utf8)) else { return }
        switch event.name {
        case KYCAIDEvent.applicant: try await registerApplicant(job)
        case KYCAIDEvent.documents: try await sendDocuments(job)
        case KYCAIDEvent.address: try await sendAddress(job)
        case KYCAIDEvent.callback: try await applyCallback(job)
        default: return
        }
    }

    /// Profile step. Refused → the profile and its label are `rejected` (Barong's ApplicantWorker).
    func registerApplicant(_ job: KYCAIDJob) async throws {
        guard let profileID = job.profileID else { return }
        let found: (Profile, User, String?)? = try await store.read { tx in
            guard let profile = try await tx.profile(id: profileID), profile.applicantID == nil,
                  let user = try await tx.user(id: profile.userID) else { return nil }
            return (profile, user, try await tx.phones(userID: user.id).last?.number)
        }
        guard let (profile, user, phone) = found else { return }
        do {
            let applicantID = try await provider.createApplicant(KYCApplicant(profile: profile, email: user.email, phone: phone))
            try await store.write { tx in try await tx.setApplicantID(profileID: profile.id, applicantID: applicantID) }
        } catch let refused as KYCRefused {
            logger.info("KYCAID refused the applicant", metadata: ["uid": "\(user.uid)", "error": "\(refused)"])
            let (userWriter, events, now) = (self.userWriter, self.events, clock.now())
            try await store.write { tx in
                try await Self.decide(profile, "rejected", of: user, events: events, in: tx, now: now)
                _ = try await userWriter.setPrivateLabel("profile", "rejected", on: user, in: tx, now: now)
            }
        }
    }

    /// The KYC callback: re-fetched, and acted on only
    /// when completed and for the applicant it names.
    func applyCallback(_ job: KYCAIDJob) async throws {
        guard let verificationID = job.verificationID, let applicantID = job.applicantID,
              let profile = try await store.read({ tx in try await tx.profile(applicantID: applicantID) }) else { return }
        let verification: KYCVerification
        do {
            verification = try await provider.verification(id: verificationID)
        } catch is KYCRefused {
            logger.info("KYC callback for a verification KYCAID does not know ignored")
            return
        }
        guard verification.status == "completed", verification.applicantID == applicantID else { return }
        try await apply(verification, to: profile)
    }

    /// Each decided check sets the user's label of that name (when it has
    /// one) to verified/rejected; `document` also needs `facial`; the
    /// profile follows its check (deliberate difference).
    func apply(_ verification: KYCVerification, to profile: Profile) async throws {
        let now = clock.now()
        let (userWriter, events) = (self.userWriter, self.events)
        try await store.write { tx in
            guard var user = try await tx.user(id: profile.userID) else { return }
            let labels = try await tx.labels(userID: user.id).filter { $0.scope == "private" }.map(\.key)
            for key in ["profile", "document", "address"] where labels.contains(key) {
                guard var verified = verification.checks[key] else { continue }
                if key == "document" { verified = verified && verification.checks["facial"] == true }
                let value = verified ? "verified" : "rejected"
                user = try await userWriter.setPrivateLabel(key, value, on: user, in: tx, now: now)
                if key == "profile" { try await Self.decide(profile, value, of: user, events: events, in: tx, now: now) }
            }
        }
    }

    static func decide(_ profile: Profile, _ state: String, of user: User, events: EventWriter,
                       in tx: some UserWriteRepositories & KYCRepository, now: Int64) async throws {
        // The row as it is now, locked after its user: the caller's
        // copy was read before this transaction, maybe before an operator's decision.
        try await tx.lockUser(id: user.id)
        guard let current = try await tx.profile(id: profile.id) else { return }
        var decided = current
        decided.state = state
        decided.updatedAt = now
        try await tx.updateProfile(decided)
        try await events.profileUpdated(from: current, to: decided, of: user, in: tx, now: now)
    }

    /// Sets a KYC label to `rejected` after a refusal.
    func reject(_ key: String, userID: Int64, reason: String) async throws {
        logger.info("KYCAID submission rejected", metadata: ["label": "\(key)", "reason": "\(reason)"])
        let (userWriter, now) = (self.userWriter, clock.now())
        try await store.write { tx in
            guard let user = try await tx.user(id: userID) else { return }
            _ = try await userWriter.setPrivateLabel(key, "rejected", on: user, in: tx, now: now)
        }
    }

    /// A stored upload as the provider takes it; nil when the file is gone.
    func file(_ document: DocumentRecord) async throws -> KYCFile? {
        try await files.read(document.upload, from: store).map { KYCFile(name: document.upload, bytes: $0) }
    }
}
