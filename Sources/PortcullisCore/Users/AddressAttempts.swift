/// Per-address counters of the flows that must not tell a known email from
/// an unknown one (login, password reset, confirmation resend). Every failed
/// login and every code request writes one counter row whether or not the
/// address has an account, so both answers cost the same store write. The
/// login throttle keeps counters of its own (LoginThrottle); these only
/// level the cost of the answer.
public enum AddressAttempts {
    public enum Purpose: String, Sendable {
        case failedLogin = "login"
        case resetRequest = "reset"
        case confirmationRequest = "confirm"
    }

    /// Counters restart an hour after their first hit.
    public static let window: Int64 = 3_600

    /// The counter's key: the purpose and a hash of the normalized address
    /// (no email is stored in the counters table).
    public static func key(_ purpose: Purpose, email: String) -> String {
        "\(purpose.rawValue):" + sha256Hex(email)
    }

    /// Counts one attempt inside the caller's transaction; returns the hits in the window.
    @discardableResult
    public static func count(_ purpose: Purpose, email: String, in tx: some RateLimitRepository, now: Int64) async throws -> Int {
        try await tx.hit(key: key(purpose, email: email), window: window, now: now)
    }
}
