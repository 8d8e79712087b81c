/// One authorize call: the original method and path (no leading
/// slash, no query), the credentials it carries and its params (audit only).
public struct AuthorizeRequest: Sendable {
    public var method: String
    public var path: String
    public var cookie: String?
    public var csrfHeader: String?
    public var apiKey: String?
    public var nonce: String?
    public var signature: String?
    public var client: ClientInfo
    public var params: [String: String]
    /// `Authorization: Bearer …`: an OpenID Connect access token, read only with `oidc_gateway_tokens`.
    public var bearer: String?

    public init(method: String, path: String, cookie: String?, csrfHeader: String?, apiKey: String?, nonce: String?,
                signature: String?, client: ClientInfo, params: [String: String], bearer: String? = nil) {
        self.method = method; self.path = path; self.cookie = cookie; self.csrfHeader = csrfHeader
        self.apiKey = apiKey; self.nonce = nonce; self.signature = signature; self.client = client; self.params = params
        self.bearer = bearer
    }

    /// The token of an `Authorization: Bearer` header value, if that is what it is.
    public static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    var usesAPIKey: Bool { apiKey != nil || nonce != nil || signature != nil }
}

/// The claims of the JWT authorize issues, minus the
/// per-token ones (`iat`, `exp`, `jti`).
public struct AccessIdentity: Sendable, Hashable {
    public var uid: String
    public var email: String
    public var username: String?
    public var referralID: Int64?
    public var role: String
    public var level: Int
    public var state: String

    public init(uid: String, email: String, username: String?, referralID: Int64?, role: String, level: Int, state: String) {
        self.uid = uid; self.email = email; self.username = username; self.referralID = referralID
        self.role = role; self.level = level; self.state = state
    }

    init(user: User) {
        self.init(uid: user.uid, email: user.email, username: user.username, referralID: user.referralID,
                  role: user.role, level: user.level, state: user.state.rawValue)
    }
}

/// Signs access tokens; may reuse a still-fresh token for the same
/// credential (`reuseKey`) and identical claims.
public protocol AccessTokenIssuer: Sendable {
    /// `notAfter`: the token expires then at the latest (an app's access token's own expiry).
    func token(for identity: AccessIdentity, reuseKey: String, notAfter: Int64?) async throws -> String
    /// The still-fresh token `token` would return without signing, if there is one.
    func cachedToken(for identity: AccessIdentity, reuseKey: String) -> String?
}

extension AccessTokenIssuer {
    func token(for identity: AccessIdentity, reuseKey: String) async throws -> String {
        try await token(for: identity, reuseKey: reuseKey, notAfter: nil)
    }
}

public enum AuthorizeOutcome: Sendable, Equatable {
    /// A `pass` rule: 200, no Authorization header.
    case pass
    /// 200 with `Authorization: Bearer <token>`.
    case authorized(token: String)
}
