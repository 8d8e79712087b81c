import Foundation

/// Operators' registry of relying parties: `admin/oidc/clients`, the
/// console and `portcullis oidc clients create` all come here.
public struct OIDCClientService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) {
        self.store = store; self.clock = clock
    }

    /// A registration's fields; nil keeps the stored value on update (and
    /// takes the default on create).
    public struct Fields: Sendable {
        public var name: String?
        public var redirectURIs: [String]?
        public var postLogoutRedirectURIs: [String]?
        public var confidential: Bool?
        public var firstParty: Bool?
        public var grantTypes: [String]?
        public var scopes: [String]?
        /// The uid of the service account client credentials act for; "" unlinks.
        public var serviceAccountUID: String?
        public var accessTokenLifetime: Int?
        public var refreshTokenLifetime: Int?
        public var idTokenLifetime: Int?

        public init() {}
    }

    /// The error keys after `admin.oidc_client.`.
    public enum Refusal: String, Error, Sendable {
        case invalidName = "invalid_name"
        case invalidRedirectURI = "invalid_redirect_uri"
        case missingRedirectURIs = "missing_redirect_uris"
        case invalidPostLogoutRedirectURI = "invalid_post_logout_redirect_uri"
        case invalidGrantType = "invalid_grant_type"
        case invalidScope = "invalid_scope"
        case invalidLifetime = "invalid_lifetime"
        case publicClientCredentials = "public_client_credentials"
        case missingServiceAccount = "missing_service_account"
        case serviceAccountDoesntExist = "service_account_doesnt_exist"
        case doesntExist = "doesnt_exist"
    }

    /// The client and, for a confidential one, its secret (shown this once).
    public func create(_ fields: Fields) async throws -> (OIDCClient, secret: String?) {
        let now = clock.now()
        let confidential = fields.confidential ?? true
        let secret = confidential ? SecureRandom.urlSafeToken(bytes: 32) : nil
        let draft = OIDCClient(
            clientID: SecureRandom.urlSafeToken(bytes: 18), name: "", confidential: confidential, secretHash: secret.map(sha256Hex),
            redirectURIs: [], postLogoutRedirectURIs: [], grantTypes: OIDCVocabulary.defaultGrantTypes,
            scopes: OIDCVocabulary.defaultScopes, firstParty: false, serviceAccountID: nil,
            accessTokenLifetime: OIDCVocabulary.accessTokenLifetime.default,
            refreshTokenLifetime: OIDCVocabulary.refreshTokenLifetime.default,
            idTokenLifetime: OIDCVocabulary.idTokenLifetime.default, createdAt: now, updatedAt: now
        )
        guard fields.name != nil, fields.redirectURIs != nil || fields.grantTypes == ["client_credentials"] else {
            throw fields.name == nil ? Refusal.invalidName : Refusal.missingRedirectURIs
        }
        let saved = try await store.write { tx in
            var client = draft
            try await Self.apply(fields, to: &client, in: tx)
            return try await tx.insertOIDCClient(client)
        }
        return (saved, secret)
    }

    public func list() async throws -> [OIDCClient] {
        try await store.read { tx in try await tx.oidcClients() }
    }

    public func client(_ clientID: String) async throws -> OIDCClient {
        guard let client = try await store.read({ tx in try await tx.oidcClient(clientID: clientID) }) else {
            throw Refusal.doesntExist
        }
        return client
    }

    /// The merged registration is validated whole; nothing is saved when it does not fit.
    public func update(_ clientID: String, _ fields: Fields) async throws -> OIDCClient {
        let now = clock.now()
        return try await store.write { tx in
            guard var client = try await tx.oidcClient(clientID: clientID) else { throw Refusal.doesntExist }
            if fields.confidential == false, client.confidential { client.secretHash = nil }
            if fields.confidential == true, !client.confidential { client.secretHash = sha256Hex(SecureRandom.urlSafeToken(bytes: 32)) }
            try await Self.apply(fields, to: &client, in: tx)
            client.updatedAt = now
            try await tx.updateOIDCClient(client)
            return client
        }
    }

    /// Every token the client holds ends with it (its token families are revoked).
    public func delete(_ clientID: String) async throws {
        let now = clock.now()
        guard try await store.write({ tx in try await tx.deleteOIDCClient(clientID: clientID, now: now) }) else {
            throw Refusal.doesntExist
        }
    }

    /// A new secret for a confidential client; the old one stops working at once.
    public func rotateSecret(_ clientID: String) async throws -> (OIDCClient, secret: String) {
        let (secret, now) = (SecureRandom.urlSafeToken(bytes: 32), clock.now())
        let client = try await store.write { tx in
            guard var client = try await tx.oidcClient(clientID: clientID) else { throw Refusal.doesntExist }
            guard client.confidential else { throw Refusal.publicClientCredentials }
            client.secretHash = sha256Hex(secret)
            client.updatedAt = now
            try await tx.updateOIDCClient(client)
            return client
        }
        return (client, secret)
    }

    /// Whether `secret` is the confidential client's (constant time).
    public static func secretMatches(_ secret: String, _ client: OIDCClient) -> Bool {
        guard let stored = client.secretHash else { return false }
        return constantTimeEquals(stored, sha256Hex(secret))
    }

    private static func apply(_ fields: Fields, to client: inout OIDCClient, in tx: any StoreTransaction) async throws {
        if let name = fields.name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard (1...100).contains(trimmed.count),
                  trimmed.unicodeScalars.allSatisfy({ !$0.properties.generalCategory.isControlOrFormat }) else { throw Refusal.invalidName }
            client.name = trimmed
        }
        if let confidential = fields.confidential { client.confidential = confidential }
        if let firstParty = fields.firstParty { client.firstParty = firstParty }
        if let uris = fields.redirectURIs {
            guard uris.count <= RedirectURIRule.maxCount, uris.allSatisfy(RedirectURIRule.accepts) else { throw Refusal.invalidRedirectURI }
            client.redirectURIs = Self.unique(uris)
        }
        if let uris = fields.postLogoutRedirectURIs {
            guard uris.count <= RedirectURIRule.maxCount, uris.allSatisfy(RedirectURIRule.accepts) else {
                throw Refusal.invalidPostLogoutRedirectURI
            }
            client.postLogoutRedirectURIs = Self.unique(uris)
        }
        if let grants = fields.grantTypes {
            guard !grants.isEmpty, grants.allSatisfy(OIDCVocabulary.grantTypes.contains) else { throw Refusal.invalidGrantType }
            client.grantTypes = Self.unique(grants)
        }
        if let scopes = fields.scopes {
            guard scopes.allSatisfy(OIDCVocabulary.scopes.contains) else { throw Refusal.invalidScope }
            client.scopes = Self.unique(scopes)
        }
        for (value, range, path) in [(fields.accessTokenLifetime, OIDCVocabulary.accessTokenLifetime.range, \OIDCClient.accessTokenLifetime),
                                     (fields.refreshTokenLifetime, OIDCVocabulary.refreshTokenLifetime.range, \.refreshTokenLifetime),
                                     (fields.idTokenLifetime, OIDCVocabulary.idTokenLifetime.range, \.idTokenLifetime)] {
            guard let value else { continue }
            guard range.contains(value) else { throw Refusal.invalidLifetime }
            client[keyPath: path] = value
        }
        if let uid = fields.serviceAccountUID {
            if uid.isEmpty {
                (client.serviceAccountID, client.serviceAccountUID) = (nil, nil)
            } else {
                guard let account = try await tx.serviceAccount(uid: uid) else { throw Refusal.serviceAccountDoesntExist }
                (client.serviceAccountID, client.serviceAccountUID) = (account.id, account.uid)
            }
        }
        // The registration as a whole.
        if client.grantTypes.contains("authorization_code"), client.redirectURIs.isEmpty { throw Refusal.missingRedirectURIs }
        if client.grantTypes.contains("client_credentials") {
            guard client.confidential else { throw Refusal.publicClientCredentials }
            guard client.serviceAccountID != nil else { throw Refusal.missingServiceAccount }
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

extension Unicode.GeneralCategory {
    var isControlOrFormat: Bool { self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator }
}
