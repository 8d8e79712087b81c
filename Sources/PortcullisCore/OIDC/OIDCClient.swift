import Foundation

/// A relying party registered by an operator (oidc.md §O2). The secret of a
/// confidential client is stored as its SHA-256 only (it is 32 random
/// bytes, so a fast hash is enough) and shown once, at creation or rotation.
public struct OIDCClient: Sendable, Equatable {
    public var id: Int64
    public var clientID: String
    public var name: String
    public var confidential: Bool
    public var secretHash: String?
    public var redirectURIs: [String]
    public var postLogoutRedirectURIs: [String]
    public var grantTypes: [String]
    public var scopes: [String]
    public var firstParty: Bool
    /// The service account a client-credentials token acts for.
    public var serviceAccountID: Int64?
    /// Its uid, as read with the client (not stored twice).
    public var serviceAccountUID: String?
    public var accessTokenLifetime: Int
    public var refreshTokenLifetime: Int
    public var idTokenLifetime: Int
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: Int64 = 0, clientID: String, name: String, confidential: Bool, secretHash: String?, redirectURIs: [String],
                postLogoutRedirectURIs: [String], grantTypes: [String], scopes: [String], firstParty: Bool,
                serviceAccountID: Int64?, accessTokenLifetime: Int, refreshTokenLifetime: Int, idTokenLifetime: Int,
                createdAt: Int64, updatedAt: Int64) {
        self.id = id; self.clientID = clientID; self.name = name; self.confidential = confidential; self.secretHash = secretHash
        self.redirectURIs = redirectURIs; self.postLogoutRedirectURIs = postLogoutRedirectURIs; self.grantTypes = grantTypes
        self.scopes = scopes; self.firstParty = firstParty; self.serviceAccountID = serviceAccountID; self.serviceAccountUID = nil
        self.accessTokenLifetime = accessTokenLifetime; self.refreshTokenLifetime = refreshTokenLifetime
        self.idTokenLifetime = idTokenLifetime; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// What the provider supports, advertised by discovery and enforced on
/// registration.
public enum OIDCVocabulary {
    public static let grantTypes = ["authorization_code", "refresh_token", "client_credentials"]
    public static let scopes = ["openid", "email", "profile", "offline_access", "kyc", "exchange"]
    /// The scope an access token needs to pass the gateway as its user (`oidc_gateway_tokens`).
    public static let gatewayScope = "exchange"
    public static let defaultGrantTypes = ["authorization_code", "refresh_token"]
    public static let defaultScopes = ["openid", "email", "profile"]
    /// Lifetimes in seconds: the defaults and the bounds a registration may ask.
    public static let accessTokenLifetime = (default: 600, range: 60...86_400)
    public static let refreshTokenLifetime = (default: 2_592_000, range: 300...31_536_000)
    public static let idTokenLifetime = (default: 600, range: 60...86_400)
}

/// The rules of a redirect URI (oidc.md §O2, RFC 8252 §7.3): an absolute
/// https URL, or plain http to the loopback host for native apps; no
/// fragment, no user info, no control or space characters, no `*` (there
/// are no wildcards), no query parameter the answer itself adds. Matched
/// later by exact string comparison.
public enum RedirectURIRule {
    public static let maxLength = 2000
    public static let maxCount = 20

    public static func accepts(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maxLength,
              text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty,
              components.fragment == nil, components.user == nil, components.password == nil, !text.contains("*"),
              !(components.queryItems ?? []).contains(where: { ["code", "state", "iss", "error", "error_description"].contains($0.name) })
        else { return false }
        switch scheme {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host)
        default: return false
        }
    }
}
