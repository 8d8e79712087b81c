import HTTPTypes
import Hummingbird
import PortcullisCore

/// The device cookie: a long-lived random id per browser,
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
    /// not of the shape this server makes (32 random bytes in canonical base64url: 43 characters).
    static func hash(from request: Request) -> String? {
        guard let value = reader.read(from: request), value.utf8.count == 43, Base64URL.isCanonical(value) else { return nil }
        return sha256Hex(value)
    }
}
