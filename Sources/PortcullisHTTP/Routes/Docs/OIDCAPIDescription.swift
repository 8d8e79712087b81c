import PortcullisCore

/// The OpenID Connect provider's endpoints (`oidc/…`, oidc.md), in the
/// document only when `oidc_enabled` is on. The browser's endpoints answer
/// HTML pages or redirects; the others answer OAuth's JSON, and token,
/// introspection and revocation take the client's HTTP Basic credentials.
extension APIDescription {
    static let html = ["text/html", "application/json"]

    static func oauth(_ method: String, _ path: String, _ summary: String, _ params: [Param] = [], security: String? = nil,
                      produces: [String]? = nil) -> Operation {
        Operation(method: method, path: "/oidc/" + path, summary: summary, params: params, authenticated: false, security: security,
                  produces: produces, formOnly: true)
    }

    static let authorizeParams = [Param("response_type", values: ["code"]), Param("code_challenge_method", values: ["S256"])]
        + ["client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "prompt", "login_hint", "response_mode",
           "auth_after"].map { o($0) } + [o("max_age", "integer")]
    static let logoutParams = [o("id_token_hint"), o("client_id"), o("post_logout_redirect_uri"), o("state")]
    static let clientParams = [o("client_id"), o("client_secret")]
    static let tokenParams = [r("token"), Param("token_type_hint", values: ["access_token", "refresh_token"])] + clientParams

    static let oidcOperations: [Operation] = [
        oauth("GET", ".well-known/openid-configuration", "OpenID Connect discovery"),
        oauth("GET", "jwks", "Keys that verify ID tokens and access tokens"),
        oauth("GET", "assets/oidc.css", "The pages' stylesheet", produces: ["text/css"]),
        oauth("GET", "authorize", "Authorization request: sign-in hand-off, consent, or the redirect with a code", authorizeParams,
              produces: html),
        oauth("POST", "authorize", "Authorization request (form post)", authorizeParams, produces: html),
        oauth("POST", "authorize/consent", "The consent page's answer",
              authorizeParams + [r("csrf_token"), r("decision")], produces: html),
        oauth("GET", "logout", "RP-initiated logout", logoutParams, produces: html),
        oauth("POST", "logout", "RP-initiated logout (form post)", logoutParams, produces: html),
        oauth("POST", "token", "Token endpoint: code, refresh token or client credentials", [
            Param("grant_type", required: true, values: OIDCVocabulary.grantTypes), o("code"), o("redirect_uri"), o("code_verifier"), o("refresh_token"), o("scope"), o("resource"),
        ] + clientParams, security: "ClientBasic"),
        oauth("GET", "userinfo", "Claims about the access token's user", security: "BearerToken"),
        oauth("POST", "userinfo", "Claims about the access token's user (form post)", [o("access_token")], security: "BearerToken"),
        oauth("POST", "introspect", "Whether a token is active, and its claims (confidential clients)", tokenParams,
              security: "ClientBasic"),
        oauth("POST", "revoke", "Revoke a refresh or access token", tokenParams, security: "ClientBasic"),
    ]
}
