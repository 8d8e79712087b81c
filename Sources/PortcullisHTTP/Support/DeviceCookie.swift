import HTTPTypes
import Hummingbird
import PortcullisCore

/// The device cookie of takeover.md §D: a long-lived random id per browser,
/// set at a sign-in that came without one. HttpOnly, SameSite=Lax, a year,
/// Secure over https. Only its SHA-256 is stored or handed on.
enum DeviceCookie {
    static let name = "_portcullis_device"
    static let maxAge = 365 * 24 * 3600
    private static let reader = SessionCookie(name: name)

    static func set(_ device: Secret, secure: Bool) -> HTTPField {
        var value = "\(name)=\(device.value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
        if secure { value += "; Secure" }
        return HTTPField(name: .setCookie, value: value)
    }

    /// The SHA-256 (hex) of the request's device cookie; nil when absent or
    /// not of the shape this server makes (32 random bytes, base64url: 43 characters).
    static func hash(from request: Request) -> String? {
        guard let value = reader.read(from: request), value.utf8.count == 43,
              value.utf8.allSatisfy({ Base64URLAlphabet.contains($0) }) else { return nil }
        return sha256Hex(value)
    }

    private enum Base64URLAlphabet {
        static func contains(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
    }
}
