import PortcullisCore
import PortcullisIntegrations

/// The OpenID Connect provider's services (oidc.md), made whether or not
/// `oidc_enabled` is on; the router registers its routes only when it is.
struct OIDCServices: Sendable {
    let authorize: OIDCAuthorizeService
    let tokens: OIDCTokenService
    let logout: OIDCLogout
    let sessions: SessionService
    let cookie: SessionCookie
    let pages: OIDCPages
    let discovery: JSONValue
    let jwks: JSONValue
    let issuer: String

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices) async throws -> OIDCServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        let issuer = config.oidcIssuerURL
        let signer = try await OIDCJWTSigner.make(privateKeyPEM: inputs.privateKeyPEM)
        return OIDCServices(
            authorize: OIDCAuthorizeService(store: store, clock: clock, issuer: issuer, loginURL: config.oidcLoginURL, events: shared.events,
                                            signer: signer, secret: inputs.privateKeyPEM),
            tokens: OIDCTokenService(store: store, clock: clock, signer: signer, issuer: issuer, events: shared.events),
            logout: OIDCLogout(store: store, sessions: shared.sessions, signer: signer, issuer: issuer, clock: clock),
            sessions: shared.sessions, cookie: shared.cookie,
            pages: try OIDCPages(appName: config.appName, assets: "/api/v2/auth/oidc/assets"),
            discovery: discovery(issuer: issuer), jwks: JSONValue(any: try JWTAccessTokenIssuer.jwks(privateKeyPEM: inputs.privateKeyPEM)),
            issuer: issuer
        )
    }

    /// OpenID Connect Discovery 1.0 §3: what this provider supports, and nothing it does not.
    static func discovery(issuer: String) -> JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        let clientAuth = ["client_secret_basic", "client_secret_post", "none"]
        return .object([
            ("issuer", .string(issuer)),
            ("authorization_endpoint", .string(issuer + "/authorize")),
            ("token_endpoint", .string(issuer + "/token")),
            ("userinfo_endpoint", .string(issuer + "/userinfo")),
            ("jwks_uri", .string(issuer + "/jwks")),
            ("revocation_endpoint", .string(issuer + "/revoke")),
            ("introspection_endpoint", .string(issuer + "/introspect")),
            ("end_session_endpoint", .string(issuer + "/logout")),
            ("response_types_supported", strings(["code"])),
            ("response_modes_supported", strings(["query"])),
            ("grant_types_supported", strings(OIDCVocabulary.grantTypes)),
            ("subject_types_supported", strings(["public"])),
            ("id_token_signing_alg_values_supported", strings(["RS256"])),
            ("scopes_supported", strings(OIDCVocabulary.scopes)),
            ("token_endpoint_auth_methods_supported", strings(clientAuth)),
            ("revocation_endpoint_auth_methods_supported", strings(clientAuth)),
            ("introspection_endpoint_auth_methods_supported", strings(["client_secret_basic", "client_secret_post"])),
            ("code_challenge_methods_supported", strings(["S256"])),
            ("prompt_values_supported", strings(["none", "login", "consent"])),
            ("claims_supported", strings(["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "email",
                                          "email_verified", "preferred_username", "uid", "role", "level", "state"])),
            ("acr_values_supported", strings(["1", "2"])),
            ("authorization_response_iss_parameter_supported", .bool(true)),
            ("claims_parameter_supported", .bool(false)),
            ("request_parameter_supported", .bool(false)),
            ("request_uri_parameter_supported", .bool(false)),
        ])
    }
}
