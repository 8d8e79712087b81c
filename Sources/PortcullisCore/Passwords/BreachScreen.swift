import Crypto
import Foundation
import Logging
import Metrics
import Synchronization

/// Breached passwords (takeover.md §P): the configured list asked about a
/// password, with the fail-open rule for a list that does not answer. A new
/// password is refused when breached; a sign-in only flags it.
public struct BreachScreen: Sendable {
    public enum Verdict: String, Sendable, Equatable {
        case clean, breached, unavailable
    }

    let list: (any BreachedPasswordList)?
    let source: String
    let minCount: Int
    let failOpen: Bool
    let logger: Logger
    let limits: Limits

    /// `source` names the list in logs and metrics (`range`, `file`).
    public init(list: (any BreachedPasswordList)?, source: String, minCount: Int, failOpen: Bool, logger: Logger) {
        self.list = list; self.source = source; self.minCount = max(1, minCount); self.failOpen = failOpen; self.logger = logger
        limits = Limits()
    }

    /// Lookups only a caller's curiosity asks (`password/validate`): at most
    /// this many at once, so anonymous traffic cannot take the list's
    /// connections or threads from sign-ups, resets and sign-ins.
    public static let advisoryLimit = 4

    /// The advisory lookups in flight, and when the last "did not answer" warning was logged.
    final class Limits: Sendable {
        let advisory = Mutex(0)
        let warned = Mutex<(at: Date, suppressed: Int)>((.distantPast, 0))
    }

    /// No list: every password is clean and nothing is asked.
    public static let off = BreachScreen(list: nil, source: "off", minCount: 1, failOpen: true, logger: Logger(label: "portcullis.breach"))

    public var isOn: Bool { list != nil }

    /// What the list says of the password. Each answer is counted
    /// (`portcullis_password_breach_checks_total{source, result}`); a list
    /// that cannot answer is logged, without anything of the password.
    public func verdict(for password: String) async -> Verdict {
        guard let list else { return .clean }
        let digest = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let verdict: Verdict
        do {
            verdict = try await list.count(sha1: digest) >= minCount ? .breached : .clean
        } catch {
            warn(error)
            verdict = .unavailable
        }
        let result = verdict == .unavailable ? (failOpen ? "unavailable_open" : "unavailable_closed") : verdict.rawValue
        Counter(label: "portcullis_password_breach_checks_total", dimensions: [("source", source), ("result", result)]).increment()
        return verdict
    }

    /// One warning per 10 seconds at most (with how many were left out): a
    /// flood of failed lookups does not flood the log.
    private func warn(_ error: any Error) {
        let suppressed: Int? = limits.warned.withLock { state in
            let now = Date()
            guard now.timeIntervalSince(state.at) >= 10 else { state.suppressed += 1; return nil }
            defer { state = (now, 0) }
            return state.suppressed
        }
        guard let suppressed else { return }
        logger.warning("password breach list did not answer; \(failOpen ? "accepting" : "refusing") new passwords meanwhile",
                       metadata: ["source": .string(source), "reason": .string(String(describing: error)),
                                  "not_logged_since": .stringConvertible(suppressed)])
    }

    /// `password/validate`'s question: the answer `refuses` would give, or
    /// nil without asking when `advisoryLimit` lookups are in flight.
    public func advises(_ password: String) async -> Bool? {
        guard limits.advisory.withLock({ count -> Bool in
            guard count < Self.advisoryLimit else { return false }
            count += 1
            return true
        }) else { return nil }
        defer { limits.advisory.withLock { $0 -= 1 } }
        return await refuses(password)
    }

    /// Whether a new password must be refused: it is breached, or the list
    /// did not answer and the rule is fail-closed.
    public func refuses(_ password: String) async -> Bool {
        switch await verdict(for: password) {
        case .clean: false
        case .breached: true
        case .unavailable: !failOpen
        }
    }

    /// A password's mark in the breach flags: SHA-256 of its bcrypt digest,
    /// so a flag lapses by itself when the password changes, on any path.
    public static func mark(of passwordDigest: String) -> String {
        SHA256.hash(data: Array(passwordDigest.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// One advisory mail per day at most.
    public static let mailInterval: Int64 = 86_400
}
