import Crypto
import HTTPTypes
import Hummingbird
import Mustache
import PortcullisCore

/// The console's HTML: mustache templates embedded in the binary, one
/// layout around every page, and the security headers every page carries.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    let appName: String
    /// Changes with the assets, so they can be cached for a year.
    let assetVersion: String

    static let templates: [(String, [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("sign_in", PackageResources.sign_in_mustache),
        ("dashboard", PackageResources.dashboard_mustache), ("users", PackageResources.users_mustache),
        ("user", PackageResources.user_mustache), ("kyc", PackageResources.kyc_mustache),
        ("access", PackageResources.access_mustache), ("confirm", PackageResources.confirm_mustache),
        ("activity", PackageResources.activity_mustache), ("error", PackageResources.error_mustache),
        ("oidc_clients", PackageResources.oidc_clients_mustache), ("oidc_client", PackageResources.oidc_client_mustache),
        ("oidc_secret", PackageResources.oidc_secret_mustache),
    ]

    init(appName: String) throws {
        // swift-mustache keeps content types in one process-wide table; registering the same type again is harmless.
        MustacheContentTypes.register(ScalarHTMLContentType(), named: Self.contentTypeName)
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            try library.register(Self.withScalarEscaping(String(decoding: bytes, as: UTF8.self)), named: name)
        }
        self.library = library
        self.appName = appName
        assetVersion = String(SHA256.hash(data: ConsoleAssets.css + ConsoleAssets.js).map { String(format: "%02x", $0) }
            .joined().prefix(12))
    }

    /// No inline script or style, nothing from elsewhere, no framing.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"

    static func securityHeaders(_ fields: inout HTTPFields) {
        fields[.contentSecurityPolicy] = contentSecurityPolicy
        fields[.xContentTypeOptions] = "nosniff"
        fields[.xFrameOptions] = "DENY"
        fields[.referrerPolicy] = "same-origin"
        fields[.cacheControl] = "no-store"
    }

    /// `page` inside the layout; `flash` shown once (its cookie cleared).
    func render(_ page: ConsolePage, chrome: ConsoleChrome, secure: Bool) -> Response {
        var data = page.data
        if let op = chrome.operator { data["csrf"] = op.csrfToken }
        let body = library.render(data, withTemplate: page.template) ?? ""
        var layout: [String: Any] = [
            "title": page.title, "app": appName, "assetVersion": assetVersion, "body": body, "wide": page.wide,
        ]
        if let op = chrome.operator {
            layout["operator"] = ["email": op.user.email, "role": op.user.role, "csrf": op.csrfToken, "nav": chrome.nav]
        }
        if let flash = chrome.flash { layout["flash"] = ["kind": flash.kind.rawValue, "text": flash.text] }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        Self.securityHeaders(&headers)
        if chrome.flash != nil { headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.clear(ConsoleCookies.flash, secure: secure))) }
        for cookie in page.cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: page.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 to `location`, with a flash message for the page there.
    static func redirect(_ location: String, flash: ConsoleFlash?, secure: Bool, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        Self.securityHeaders(&headers)
        if let flash {
            headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.set(ConsoleCookies.flash, flash.cookieValue,
                                                                                  secure: secure, maxAge: 60)))
        }
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}

/// One page to render: its template, title and values.
struct ConsolePage {
    var template: String
    var title: String
    var data: [String: Any]
    var status: HTTPResponse.Status = .ok
    var cookies: [String] = []
    var wide = false
}

/// What surrounds every page: the operator (nav, sign-out) and the flash.
struct ConsoleChrome {
    var `operator`: ConsoleSessionService.Operator?
    var nav: [[String: Any]] = []
    var flash: ConsoleFlash?
}
