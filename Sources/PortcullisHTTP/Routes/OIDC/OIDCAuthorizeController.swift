import Foundation
import Hummingbird
import PortcullisCore

/// `oidc/.well-known/openid-configuration`, `oidc/jwks`, `oidc/authorize`
/// (and its consent form), `oidc/logout` (oidc.md §O1, §O3). No Barong
/// session gate here: a browser without a session is sent to sign in.
struct OIDCAuthorizeController {
    let authorize: OIDCAuthorizeService
    let sessions: SessionService
    let cookie: SessionCookie
    let pages: OIDCPages
    let discovery: JSONValue
    let jwks: JSONValue
    let issuer: String
    let logout: OIDCLogout

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get(".well-known/openid-configuration") { _, _ in Responses.json(discovery) }
        group.get("jwks") { _, _ in Responses.json(jwks) }
        group.get("assets/oidc.css") { _, _ in ConsoleAssets.response(ConsoleAssets.css, type: "text/css; charset=utf-8") }
        group.get("authorize") { request, context in try await page(request) { try await start($0, request, context) } }
        group.post("authorize") { request, context in try await page(request) { try await start($0, request, context) } }
        group.post("authorize/consent") { request, context in try await page(request) { try await consent($0, request, context) } }
        group.get("logout") { request, context in try await page(request) { try await endSession($0, request, context) } }
        group.post("logout") { request, context in try await page(request) { try await endSession($0, request, context) } }
    }

    /// Reads the request's parameters for a browser page: unreadable ones are a page too, never a redirect.
    private func page(_ request: Request, _ work: (OAuthForm) async throws -> Response) async throws -> Response {
        let form: OAuthForm
        do {
            form = try await OAuthForm.read(request)
        } catch let error as OAuthError {
            return pages.message("Refused", error.description, warning: true, status: .badRequest)
        }
        return try await work(form)
    }

    func start(_ form: OAuthForm, _ request: Request, _ context: PortcullisContext) async throws -> Response {
        let signed = try await signedIn(request, context)
        return try await outcome(authorize.authorize(Self.request(form), signed: signed), signed: signed)
    }

    func consent(_ form: OAuthForm, _ request: Request, _ context: PortcullisContext) async throws -> Response {
        guard let signed = try await signedIn(request, context) else {
            return pages.message("Signed out", "Your session ended before you answered. Start again from the application.", warning: true,
                                 status: .unauthorized)
        }
        guard constantTimeEquals(form["csrf_token"] ?? "", signed.session.csrfToken) else {
            return pages.message("Refused", "This form did not come from this page.", warning: true, status: .forbidden)
        }
        let approve = form["decision"] == "approve"
        return try await outcome(authorize.consent(Self.request(form), approve: approve, signed: signed, client: context.client),
                                 signed: signed)
    }

    func endSession(_ form: OAuthForm, _ request: Request, _ context: PortcullisContext) async throws -> Response {
        let result = try await logout.end(cookie: cookie.read(from: request), idTokenHint: form.given("id_token_hint"),
                                          clientID: form.given("client_id"), postLogoutRedirectURI: form.given("post_logout_redirect_uri"),
                                          state: form.given("state"), client: context.client)
        switch result {
        case .redirect(let location, let ended):
            var headers = ended ? cookie.clear(secure: context.overHTTPS) : HTTPFields()
            headers[.location] = location
            headers[.cacheControl] = "no-store"
            return Response(status: .found, headers: headers)
        case .refused(let why):
            return pages.message("Refused", why, warning: true, status: .badRequest)
        case .signedOut(let ended):
            var response = pages.message("Signed out", "You are signed out.", warning: false)
            if ended { for field in cookie.clear(secure: context.overHTTPS) { response.headers.append(field) } }
            return response
        }
    }

    private func signedIn(_ request: Request, _ context: PortcullisContext) async throws -> OIDCAuthorizeService.Signed? {
        guard let value = cookie.read(from: request),
              let (user, session) = try? await sessions.authenticate(cookie: value, client: context.client, csrf: .skip) else { return nil }
        return .init(user: user, session: session)
    }

    private func outcome(_ outcome: OIDCAuthorizeOutcome, signed: OIDCAuthorizeService.Signed?) -> Response {
        switch outcome {
        case .errorPage(let why):
            return pages.message("Refused", why, warning: true, status: .badRequest)
        case .redirect(let location), .signIn(let location):
            return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        case .consent(let client, let scopes, let request):
            guard let signed else { return pages.message("Refused", "Not signed in.", warning: true, status: .unauthorized) }
            return pages.consent(client: client, scopes: scopes, request: request, email: signed.user.email,
                                 csrf: signed.session.csrfToken, action: issuerPath + "/authorize/consent")
        }
    }

    /// The issuer's path: forms post to this server under it.
    private var issuerPath: String { URLComponents(string: issuer)?.path ?? "/api/v2/auth/oidc" }

    static func request(_ form: OAuthForm) -> OIDCAuthorizeRequest {
        var r = OIDCAuthorizeRequest()
        r.clientID = form["client_id"] ?? ""
        r.redirectURI = form["redirect_uri"] ?? ""
        r.responseType = form["response_type"] ?? ""
        r.scope = form["scope"] ?? ""
        r.state = form["state"]
        r.nonce = form["nonce"]
        r.codeChallenge = form["code_challenge"] ?? ""
        r.codeChallengeMethod = form["code_challenge_method"] ?? ""
        r.prompt = form["prompt"] ?? ""
        r.maxAge = form["max_age"]
        r.loginHint = form["login_hint"]
        r.idTokenHint = form["id_token_hint"]
        r.authAfter = form["auth_after"]
        r.responseMode = form["response_mode"]
        r.requestObject = form["request"] != nil
        r.requestURI = form["request_uri"] != nil
        return r
    }
}
