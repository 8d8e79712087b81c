/// The claims of an OpenID Connect access token (RFC 9068) and ID token,
/// free of any JOSE library; `OIDCTokenSigner` turns them into JWTs.
public struct OIDCAccessClaims: Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var clientID: String
    public var scope: String
    public var jti: String
    public var iat: Int64
    public var exp: Int64
    public var authTime: Int64?
    /// The token family: revoking it ends this token too.
    public var family: String
    /// Barong's identity claims, only with the `kyc` scope.
    public var kyc: KYCClaims?

    public struct KYCClaims: Sendable, Equatable {
        public var uid, email, role, state: String
        public var level: Int
        public init(uid: String, email: String, role: String, level: Int, state: String) {
            self.uid = uid; self.email = email; self.role = role; self.level = level; self.state = state
        }
    }

    public init(iss: String, sub: String, aud: String, clientID: String, scope: String, jti: String, iat: Int64, exp: Int64,
                authTime: Int64?, family: String, kyc: KYCClaims?) {
        self.iss = iss; self.sub = sub; self.aud = aud; self.clientID = clientID; self.scope = scope; self.jti = jti
        self.iat = iat; self.exp = exp; self.authTime = authTime; self.family = family; self.kyc = kyc
    }
}

public struct OIDCIDClaims: Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var iat: Int64
    public var exp: Int64
    public var authTime: Int64
    public var nonce: String?
    public var acr: String
    public var amr: [String]
    public var azp: String
    public var email: String?
    public var emailVerified: Bool?
    public var preferredUsername: String?
    /// The access token issued with it, hashed (absent on ID tokens read back as hints).
    public var atHash: String?

    public init(iss: String, sub: String, aud: String, iat: Int64, exp: Int64, authTime: Int64, nonce: String?, acr: String,
                amr: [String], azp: String, email: String?, emailVerified: Bool?, preferredUsername: String?) {
        self.iss = iss; self.sub = sub; self.aud = aud; self.iat = iat; self.exp = exp; self.authTime = authTime; self.nonce = nonce
        self.acr = acr; self.amr = amr; self.azp = azp; self.email = email; self.emailVerified = emailVerified
        self.preferredUsername = preferredUsername
    }
}

/// Signs and checks the provider's JWTs with the server's RSA key (RS256, `kid` as in the JWKS).
public protocol OIDCTokenSigner: Sendable {
    func sign(access claims: OIDCAccessClaims) async throws -> String
    func sign(id claims: OIDCIDClaims) async throws -> String
    /// A live access token of this issuer (signature, `typ` at+jwt, `iss`, `exp`), else nil.
    func verifyAccess(_ token: String) async -> OIDCAccessClaims?
    /// An ID token this issuer signed, expired or not (a logout hint may be old), else nil.
    func verifyIDHint(_ token: String) async -> OIDCIDClaims?
}

/// The OAuth 2.0 error of an endpoint (RFC 6749 §5.2, §4.1.2.1): its code,
/// a description, and the HTTP status of a JSON answer.
public struct OAuthError: Error, Sendable, Equatable {
    public var code: String
    public var description: String
    public var status: Int

    public init(_ code: String, _ description: String, status: Int = 400) {
        self.code = code; self.description = description; self.status = status
    }

    public static func invalidRequest(_ why: String) -> OAuthError { OAuthError("invalid_request", why) }
    public static func invalidGrant(_ why: String) -> OAuthError { OAuthError("invalid_grant", why) }
    public static func invalidClient(_ why: String) -> OAuthError { OAuthError("invalid_client", why, status: 401) }
    public static func unauthorizedClient(_ why: String) -> OAuthError { OAuthError("unauthorized_client", why) }
    public static func invalidScope(_ why: String) -> OAuthError { OAuthError("invalid_scope", why) }
    public static func invalidToken(_ why: String) -> OAuthError { OAuthError("invalid_token", why, status: 401) }
}

/// Who a bearer access token acts for at the gateway (`oidc_gateway_tokens`):
/// a live token granted the `exchange` scope, of a user who may still sign
/// in, and when it expires; else nil (a client-credentials token acts for no
/// person and is not accepted there).
public protocol BearerAccessVerifier: Sendable {
    func gatewayUser(forAccessToken token: String) async throws -> (user: User, expiresAt: Int64)?
}
