import Hummingbird
import PortcullisCore

/// The session cookie of api.md §4.1: HttpOnly, SameSite=Lax, Path=/, no
/// Max-Age; Secure when the client came over https.
struct SessionCookie: Sendable {
    let name: String

    func set(_ session: OpenedSession, secure: Bool) -> HTTPFields {
        var value = "\(name)=\(session.cookieValue.value); Path=/; HttpOnly; SameSite=Lax"
        if secure { value += "; Secure" }
        return [.setCookie: value]
    }

    func clear(secure: Bool) -> HTTPFields {
        var value = "\(name)=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
        if secure { value += "; Secure" }
        return [.setCookie: value]
    }

    func read(from request: Request) -> String? {
        request.cookies[name]?.value
    }
}
