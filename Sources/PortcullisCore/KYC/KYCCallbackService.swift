import Crypto
import Foundation
import Logging

/// The KYCAID side of KYC (api-resource.md §2 profile step, §11 callback).
/// A callback is only a hint: the verification is fetched again from
/// KYCAID, must be `completed` and belong to the callback's applicant, and
/// only applicants we created are acted on. With `kycaid_callback_secret`
/// set, the callback must also carry `X-Data-Integrity`: base64 of
/// HMAC-SHA256 of the raw body under that secret (deliberate difference).
public struct KYCCallbackService: Sendable {
    let store: any Store
    let provider: (any KYCProvider)?
    let rules: UserStatusRules
    let events: EventWriter
    let clock: any Clock
    let callbackSecret: Secret?
    let logger: Logger

    public init(store: any Store, provider: (any KYCProvider)?, rules: UserStatusRules, events: EventWriter, clock: any Clock,
                callbackSecret: String, logger: Logger) {
        self.store = store; self.provider = provider; self.rules = rules; self.events = events; self.clock = clock
        self.callbackSecret = callbackSecret.isEmpty ? nil : Secret(callbackSecret); self.logger = logger
    }

    /// Profile step: a submitted profile becomes a KYCAID applicant. A
    /// provider failure is logged and leaves the profile submitted.
    public func profileSubmitted(_ profile: Profile, user: User) async {
        guard let provider, profile.state == "submitted" else { return }
        do {
            let applicant = try await provider.createApplicant(profile: profile, email: user.email)
            try await store.write { tx in try await tx.setApplicantID(profileID: profile.id, applicantID: applicant) }
        } catch {
            logger.warning("KYCAID applicant creation failed", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// `POST public/kyc`: checks the signature, then processes in the background.
    public func callback(rawBody: [UInt8], integrity: String?, verificationID: String?, applicantID: String?) throws {
        guard provider != nil else { throw APIError(.unprocessable) }
        if let secret = callbackSecret {
            let mac = HMAC<SHA256>.authenticationCode(for: rawBody, using: SymmetricKey(data: Data(secret.value.utf8)))
            guard let integrity, constantTimeEquals(Data(mac).base64EncodedString(), integrity) else {
                throw APIError(.unauthorized, "kyc.invalid_signature")
            }
        }
        guard let verificationID, let applicantID else { return }
        let service = self
        Task { await service.process(verificationID: verificationID, applicantID: applicantID) }
    }

    func process(verificationID: String, applicantID: String) async {
        do {
            guard let provider, let profile = try await store.read({ tx in try await tx.profile(applicantID: applicantID) }) else {
                logger.info("KYC callback for an unknown applicant ignored")
                return
            }
            let verification = try await provider.verification(id: verificationID)
            guard verification.status == "completed", verification.applicantID == applicantID else { return }
            try await apply(verification, to: profile)
        } catch {
            logger.warning("KYC callback processing failed", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Each decided check sets the user's label of that name (when it has
    /// one) to verified/rejected; `document` also needs `facial`.
    func apply(_ verification: KYCVerification, to profile: Profile) async throws {
        let now = clock.now()
        let (rules, events) = (self.rules, self.events)
        try await store.write { tx in
            guard var user = try await tx.user(id: profile.userID) else { return }
            let labels = try await tx.labels(userID: user.id).filter { $0.scope == "private" }.map(\.key)
            for key in ["profile", "document", "address"] where labels.contains(key) {
                guard var verified = verification.checks[key] else { continue }
                if key == "document" { verified = verified && verification.checks["facial"] == true }
                let value = verified ? "verified" : "rejected"
                let previous = try await tx.adminLabels(userID: user.id).first { $0.key == key && $0.scope == "private" }
                user = try await rules.setPrivateLabel(key, value, on: user, in: tx, now: now)
                try await events.labelWritten(key: key, scope: "private", previous: previous, of: user, in: tx, now: now)
                if key == "profile" {
                    var decided = profile
                    decided.state = value
                    decided.updatedAt = now
                    try await tx.updateProfile(decided)
                }
            }
        }
    }
}
