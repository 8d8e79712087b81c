import Crypto
import Foundation

/// RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30 s steps, accepted ±1 step.
public struct TOTP: Sendable {
    public static let period: Int64 = 30
    public let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    public func code(step: Int64) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let text = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - text.count) + text
    }

    /// The step a code matches in the ±1 window after `lastUsedStep` (a
    /// step already used cannot match again), compared in constant time.
    public func matchingStep(for code: String, now: Int64, lastUsedStep: Int64) -> Int64? {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let current = now / Self.period
        var found: Int64?
        for step in (current - 1)...(current + 1) where step > lastUsedStep {
            if constantTimeEquals(self.code(step: step), code), found == nil { found = step }
        }
        return found
    }
}
