import Hummingbird
import PortcullisCore

/// The session cookie: HttpOnly, SameSite=Lax, Path=/, no
/// Max-Age; Secure when the client came over https.
struct SessionCookie: Sendable {
    let name: String
    private let key: [UInt8]

    init(name: String) {
        self.name = name
        key = Array(name.utf8)
    }

    /// The session cookie, and the device cookie when the sign-in gave the browser a new one.
    func set(_ session: OpenedSession, secure: Bool) -> HTTPFields {
        var value = "\(name)=\(session.cookieValue.value); Path=/; HttpOnly; SameSite=Lax"
        if secure { value += "; Secure" }
        var fields: HTTPFields = [.setCookie: value]
        if let device = session.newDevice { fields.append(DeviceCookie.set(device, secure: secure)) }
        return fields
    }

    func clear(secure: Bool) -> HTTPFields {
        var value = "\(name)=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
        if secure { value += "; Secure" }
        return [.setCookie: value]
    }

    /// The value of the first cookie named `name`, as Hummingbird's
    /// `request.cookies[name]` gives it, scanning the header's bytes instead
    /// of parsing every cookie into a `Cookie` (6 % of a `users/me` profile).
    func read(from request: Request) -> String? {
        for field in request.headers where field.name == .cookie {
            if let value = value(in: field.value.utf8[...]) { return value }
        }
        return nil
    }

    /// The same from `Cookie` header values (the gateway listener's NIO headers).
    func read(cookieHeaders: [String]) -> String? {
        for header in cookieHeaders {
            if let value = value(in: header[...].utf8) { return value }
        }
        return nil
    }

    private func value(in header: Substring.UTF8View) -> String? {
        let (space, tab, separator, equals) = (UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "="))
        var rest = header
        while !rest.isEmpty {
            while let first = rest.first, first == space || first == tab { rest = rest.dropFirst() }
            let end = rest.firstIndex(of: separator) ?? rest.endIndex
            let pair = rest[..<end]
            if pair.starts(with: key), pair.dropFirst(key.count).first == equals {
                return String(Substring(pair.dropFirst(key.count + 1)))
            }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return nil
    }
}
