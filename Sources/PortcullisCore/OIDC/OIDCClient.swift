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
/// https URL, or plain http to the loopback host for native apps; only the
/// characters RFC 3986 allows, well-formed percent escapes, a port in
/// 1…65535; no fragment, no user info, no `*` (there are no wildcards), no
/// query parameter the answer itself adds (in any case, split on `&` or
/// `;`). Matched later by exact string comparison.
public enum RedirectURIRule {
    public static let maxLength = 2000
    public static let maxCount = 20
    static let answerParameters: Set<String> = ["code", "state", "iss", "error", "error_description", "error_uri"]

    public static func accepts(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maxLength, text.unicodeScalars.allSatisfy(isURIScalar), escapesAreWellFormed(text),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, hostIsValid(host), portIsValid(components), !text.lowercased().contains("%00"),
              components.fragment == nil, components.user == nil, components.password == nil, !text.contains("*"),
              !(components.percentEncodedQuery ?? "").split(whereSeparator: { $0 == "&" || $0 == ";" }).contains(where: { pair in
                  let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                  return answerParameters.contains((name.removingPercentEncoding ?? name).lowercased())
              })
        else { return false }
        switch scheme {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host)
        default: return false
        }
    }

    /// RFC 3986's unreserved and reserved characters and `%`: no space, control, `"`, `<`, `>`, `\\`, `^`, backquote, `{`, `|`, `}`.
    static func isURIScalar(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7f else { return false }
        return !"\"'<>\\^`{|}".unicodeScalars.contains(scalar)
    }

    /// A DNS name of letters, digits and inner hyphens (no empty label, no
    /// trailing dot, no `_`), or a bracketed IPv6 literal.
    static func hostIsValid(_ host: String) -> Bool {
        if host.hasPrefix("[") { return host.hasSuffix("]") && host.count > 2 }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    static func escapesAreWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, GatewayPath.hexValue(bytes[index + 1]) != nil, GatewayPath.hexValue(bytes[index + 2]) != nil else {
                return false
            }
        }
        return true
    }

    /// No port (nor a bare `:`), or one written as a number in 1…65535.
    static func portIsValid(_ components: URLComponents) -> Bool {
        guard let range = components.rangeOfPort, let text = components.string?[range] else {
            return !(components.string ?? "").contains("\(components.percentEncodedHost ?? ""):/")
        }
        return text.utf8.count <= 5 && Int(text).map { (1...65_535).contains($0) } == true
    }
}
