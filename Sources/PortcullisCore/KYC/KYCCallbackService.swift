import Crypto
import Foundation

/// `POST public/kyc`, the KYCAID callback. A callback
/// is only a hint: `KYCAIDSink` fetches the verification again, and it must
/// be `completed` and belong to the callback's applicant. Only applicants we
/// created are queued. With `kycaid_callback_secret` set, the callback must
/// also carry `X-Data-Integrity`: base64 of HMAC-SHA256 of the raw body
/// under that secret (deliberate difference).
public struct KYCCallbackService: Sendable {
    let store: any Store
    let submissions: KYCAIDSubmissions
    let clock: any ServerClock
    let callbackSecret: Secret?

    public init(store: any Store, submissions: KYCAIDSubmissions, clock: any ServerClock, callbackSecret: String) {
        self.store = store; self.submissions = submissions; self.clock = clock
        self.callbackSecret = callbackSecret.isEmpty ? nil : Secret(callbackSecret)
    }

    /// Checks the signature and queues the processing in the outbox, so it
    /// survives a restart and waits out a KYCAID outage.
    public func callback(rawBody: [UInt8], integrity: String?, verificationID: String?, applicantID: String?) async throws {
        guard submissions.enabled else { throw APIError(.unprocessable) }
        if let secret = callbackSecret {
            let mac = HMAC<SHA256>.authenticationCode(for: rawBody, using: SymmetricKey(data: Data(secret.value.utf8)))
            guard let integrity, constantTimeEquals(Data(mac).base64EncodedString(), integrity) else {
                throw APIError(.unauthorized, ErrorKey.KYC.invalidSignature)
            }
        }
        guard let verificationID, let applicantID, !verificationID.isEmpty else { return }
        let (submissions, now) = (self.submissions, clock.now())
        try await store.write { tx in
            guard try await tx.profile(applicantID: applicantID) != nil else { return }
            try await submissions.callback(verificationID: verificationID, applicantID: applicantID, in: tx, now: now)
        }
    }
}
