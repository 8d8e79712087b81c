import Hummingbird
import PortcullisCore

/// `oidc/token`, `oidc/userinfo`, `oidc/introspect`, `oidc/revoke` (oidc.md
/// §O4): client authentication as registered, answers and errors in
/// OAuth's JSON form, `Cache-Control: no-store`.
struct OIDCTokenController {
    let tokens: OIDCTokenService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("token") { request, context in try await OAuthResponses.answer { try await token(request, context) } }
        group.get("userinfo") { request, _ in try await OAuthResponses.answer { try await userinfo(request) } }
        group.post("userinfo") { request, _ in try await OAuthResponses.answer { try await userinfo(request) } }
        group.post("introspect") { request, _ in try await OAuthResponses.answer { try await introspect(request) } }
        group.post("revoke") { request, _ in try await OAuthResponses.answer { try await revoke(request) } }
    }

    func token(_ request: Request, _ context: PortcullisContext) async throws -> Response {
        let form = try await OAuthForm.read(request)
        let client = try await tokens.authenticate(try form.client(request))
        let issued: OIDCTokenService.Issued
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form.given("code"), let redirectURI = form.given("redirect_uri") else {
                throw OAuthError.invalidRequest("code and redirect_uri are required")
            }
            guard let verifier = form.given("code_verifier") else { throw OAuthError.invalidRequest("code_verifier is required (PKCE)") }
            issued = try await tokens.exchange(code: code, redirectURI: redirectURI, verifier: verifier, client: client,
                                               resource: form.given("resource"), info: context.client)
        case "refresh_token":
            guard let token = form.given("refresh_token") else { throw OAuthError.invalidRequest("refresh_token is required") }
            issued = try await tokens.refresh(token: token, scope: form.given("scope"), client: client, info: context.client)
        case "client_credentials":
            issued = try await tokens.clientCredentials(scope: form.given("scope"), client: client, resource: form.given("resource"))
        case nil:
            throw OAuthError.invalidRequest("grant_type is required")
        default:
            throw OAuthError("unsupported_grant_type", "grant_type is not supported")
        }
        var fields: [(String, JSONValue)] = [
            ("access_token", .string(issued.accessToken)), ("token_type", .string("Bearer")),
            ("expires_in", .int(Int64(issued.expiresIn))), ("scope", .string(issued.scope)),
        ]
        if let id = issued.idToken { fields.append(("id_token", .string(id))) }
        if let refresh = issued.refreshToken { fields.append(("refresh_token", .string(refresh))) }
        return OAuthResponses.json(.object(fields))
    }

    /// RFC 6750: the bearer in the Authorization header (or, on POST, the form's `access_token`).
    func userinfo(_ request: Request) async throws -> Response {
        var token: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if request.method == .post {
            token = try await OAuthForm.read(request).given("access_token")
        }
        guard let token, !token.isEmpty else { throw OAuthError.invalidToken("a bearer access token is required") }
        let claims = try await tokens.userinfo(accessToken: token)
        return OAuthResponses.json(.object(claims.map { name, value in
            switch value {
            case .text(let text): (name, .string(text))
            case .flag(let flag): (name, .bool(flag))
            case .number(let number): (name, .int(number))
            }
        }))
    }

    func introspect(_ request: Request) async throws -> Response {
        let form = try await OAuthForm.read(request)
        let client = try await tokens.authenticate(try form.client(request))
        guard let token = form.given("token") else { throw OAuthError.invalidRequest("token is required") }
        guard let found = try await tokens.introspect(token, by: client) else {
            return OAuthResponses.json(.object([("active", .bool(false))]))
        }
        var fields: [(String, JSONValue)] = [
            ("active", .bool(true)), ("scope", .string(found.scope)), ("client_id", .string(found.clientID)),
            ("sub", .string(found.sub)), ("exp", .int(found.exp)), ("aud", .string(found.aud)),
            ("iss", .string(tokens.issuer)), ("token_type", .string(found.tokenType)),
        ]
        if let username = found.username { fields.append(("username", .string(username))) }
        if let iat = found.iat { fields.append(("iat", .int(iat))) }
        return OAuthResponses.json(.object(fields))
    }

    func revoke(_ request: Request) async throws -> Response {
        let form = try await OAuthForm.read(request)
        let client = try await tokens.authenticate(try form.client(request))
        guard let token = form.given("token") else { throw OAuthError.invalidRequest("token is required") }
        try await tokens.revoke(token, by: client)
        return OAuthResponses.json(.object([]))
    }
}
