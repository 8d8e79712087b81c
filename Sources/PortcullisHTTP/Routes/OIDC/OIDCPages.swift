import Crypto
import Foundation
import Hummingbird
import Mustache
import PortcullisCore

/// The provider's few HTML pages (consent, refusals, signed out): embedded
/// templates escaped per scalar as the console's are, the console's
/// stylesheet, and a CSP that allows no script and sends forms only here
/// (and, for consent, on to the client's redirect URI).
struct OIDCPages: Sendable {
    let library: MustacheLibrary
    let appName: String
    /// Where `oidc.css` is served (the issuer's path on this server).
    let assets: String
    let assetVersion: String

    static let templates: [(String, [UInt8])] = [
        ("layout", PackageResources.oidc_layout_mustache), ("consent", PackageResources.oidc_consent_mustache),
        ("message", PackageResources.oidc_message_mustache),
    ]

    init(appName: String, assets: String) throws {
        MustacheContentTypes.register(ScalarHTMLContentType(), named: ConsoleRenderer.contentTypeName)
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            try library.register(ConsoleRenderer.withScalarEscaping(String(decoding: bytes, as: UTF8.self)), named: name)
        }
        self.library = library
        self.appName = appName
        self.assets = assets
        assetVersion = String(SHA256.hash(data: ConsoleAssets.css).map { String(format: "%02x", $0) }.joined().prefix(12))
    }

    /// What each scope lets the client see, as the consent page says it.
    static let scopeTexts: [String: String] = [
        "openid": "know who you are (your account's id)",
        "email": "see your email address",
        "profile": "see your username",
        "offline_access": "stay signed in when you are away",
        "kyc": "see your verification level, role and account state",
        "exchange": "use the exchange's API as you (trading, balances), while your approval lasts",
    ]

    func consent(client: OIDCClient, scopes: [String], request: OIDCAuthorizeRequest, email: String, csrf: String, action: String)
        -> Response {
        let redirect = URLComponents(string: request.redirectURI)
        let data: [String: Any] = [
            "client": client.name, "email": email, "csrf": csrf, "action": action, "host": redirect?.host ?? "",
            "scopes": scopes.map { ["name": $0, "text": Self.scopeTexts[$0] ?? $0] },
            "fields": request.parameters.map { ["name": $0.0, "value": $0.1] },
        ]
        let origin = redirect.flatMap { c in c.scheme.map { "\($0)://\(c.host ?? "")\(c.port.map { ":\($0)" } ?? "")" } }
        return page("consent", title: "Sign in to \(client.name)", data: data, formTarget: origin)
    }

    func message(_ heading: String, _ message: String, warning: Bool, status: HTTPResponse.Status = .ok) -> Response {
        page("message", title: heading, data: ["heading": heading, "message": message, "warning": warning], status: status)
    }

    private func page(_ template: String, title: String, data: [String: Any], status: HTTPResponse.Status = .ok,
                      formTarget: String? = nil) -> Response {
        let body = library.render(data, withTemplate: template) ?? ""
        let html = library.render(["title": title, "app": appName, "assets": assets, "assetVersion": assetVersion, "body": body],
                                  withTemplate: "layout") ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        ConsoleRenderer.securityHeaders(&headers)
        // Chrome applies form-action to the redirect that follows the consent form's post.
        let formAction = "'self'" + (formTarget.map { " " + $0 } ?? "")
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action \(formAction); "
            + "frame-ancestors 'none'; base-uri 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
