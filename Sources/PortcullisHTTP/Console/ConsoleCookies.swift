import Hummingbird
import PortcullisCore

/// The console's cookies, all `Path=/admin/`, `HttpOnly`,
/// `SameSite=Strict`, `Secure` over https: the session, the sign-in form's
/// CSRF token (before there is a session) and the one-shot flash message.
struct ConsoleCookies: Sendable {
    static let session = "portcullis_console"
    static let signInCSRF = "portcullis_console_csrf"
    static let flash = "portcullis_console_flash"

    static func set(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var cookie = "\(name)=\(value); Path=/admin/; HttpOnly; SameSite=Strict"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if secure { cookie += "; Secure" }
        return cookie
    }

    static func clear(_ name: String, secure: Bool) -> String {
        set(name, "", secure: secure, maxAge: 0)
    }

    static func read(_ name: String, from request: Request) -> String? {
        request.cookies[name]?.value
    }
}

/// A message for the next page: what an action did, or why it was refused.
struct ConsoleFlash: Sendable, Equatable {
    enum Kind: String, Sendable { case notice, error }
    var kind: Kind
    var text: String

    /// `kind:percent-encoded text`, at most 1 KiB of text.
    var cookieValue: String {
        let bounded = String(text.prefix(1024))
        return kind.rawValue + ":" + (bounded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    init(_ kind: Kind, _ text: String) { self.kind = kind; self.text = text }

    init?(cookie: String?) {
        guard let cookie, let colon = cookie.firstIndex(of: ":"),
              let kind = Kind(rawValue: String(cookie[..<colon])),
              let text = String(cookie[cookie.index(after: colon)...]).removingPercentEncoding else { return nil }
        self.init(kind, text)
    }
}
