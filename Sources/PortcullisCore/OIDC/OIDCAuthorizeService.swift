import Crypto
import Foundation

/// The parameters of an authorization request (OpenID Connect Core §3.1.2.1).
public struct OIDCAuthorizeRequest: Sendable, Equatable {
    public var clientID = ""
    public var redirectURI = ""
    public var responseType = ""
    public var scope = ""
    public var state: String?
    public var nonce: String?
    public var codeChallenge = ""
    public var codeChallengeMethod = ""
    public var prompt = ""
    public var maxAge: String?
    public var loginHint: String?
    /// An ID token this provider gave the client: the user it names must be the one signed in.
    public var idTokenHint: String?
    /// Ours: after a forced sign-in's hand-off, the session must be opened at or after this (signed) time.
    public var authAfter: String?
    /// `response_mode`, and whether `request` / `request_uri` were sent (neither is supported).
    public var responseMode: String?
    public var requestObject = false
    public var requestURI = false

    public init() {}

    /// The request as query parameters, in a fixed order (the login hand-off's `return_to`, the consent form).
    public var parameters: [(String, String)] {
        var list = [("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", responseType), ("scope", scope),
                    ("code_challenge", codeChallenge), ("code_challenge_method", codeChallengeMethod)]
        for (name, value) in [("state", state), ("nonce", nonce), ("max_age", maxAge), ("login_hint", loginHint),
                              ("id_token_hint", idTokenHint), ("auth_after", authAfter)] {
            if let value { list.append((name, value)) }
        }
        if !prompt.isEmpty { list.append(("prompt", prompt)) }
        return list
    }
}

/// What an authorization request leads to.
public enum OIDCAuthorizeOutcome: Sendable, Equatable {
    /// The client or redirect URI cannot be trusted: shown, never redirected.
    case errorPage(String)
    /// Back to the client (a code, or an error), as a URL to redirect to.
    case redirect(String)
    /// No session (or a new sign-in is asked): the front-end's sign-in page, with `return_to`.
    case signIn(String)
    /// The user must approve the client's scopes.
    case consent(client: OIDCClient, scopes: [String], request: OIDCAuthorizeRequest)
}

/// The authorization endpoint's decisions (oidc.md §O3): who may get a code
/// for which client, where the browser goes next, and the codes themselves.
public struct OIDCAuthorizeService: Sendable {
    let store: any Store
    let clock: any ServerClock
    let issuer: String
    let loginURL: String
    let events: EventWriter
    /// Verifies `id_token_hint`.
    let signer: any OIDCTokenSigner

    /// Signs `auth_after`, so the way back from a forced sign-in cannot be edited to skip it.
    let handOffKey: SymmetricKey

    /// `secret`: what the hand-off key is derived from (the server's signing key: the same on every instance).
    public init(store: any Store, clock: any ServerClock, issuer: String, loginURL: String, events: EventWriter,
                signer: any OIDCTokenSigner, secret: String) {
        self.store = store; self.clock = clock; self.issuer = issuer; self.loginURL = loginURL; self.events = events
        self.signer = signer
        handOffKey = SymmetricKey(data: SHA256.hash(data: Array(("portcullis oidc auth_after\n" + secret).utf8)))
    }

    static let codeLifetime: Int64 = 60
    static let maxParameterLength = 2048
    /// An ID token is longer than the other parameters.
    static let maxHintLength = 8192

    /// The signed-in user, if any, as the session middleware found them.
    public struct Signed: Sendable {
        public var user: User
        public var session: SessionRecord
        public init(user: User, session: SessionRecord) { self.user = user; self.session = session }
    }

    public func authorize(_ request: OIDCAuthorizeRequest, signed: Signed?) async throws -> OIDCAuthorizeOutcome {
        let (client, scopes, hinted): (OIDCClient, [String], String?)
        switch try await validate(request) {
        case .failure(let outcome): return outcome
        case .success(let found): (client, scopes, hinted) = found
        }
        let now = clock.now()
        if let refused = hintMismatch(request, hinted: hinted, signed: signed) { return refused }
        let prompts = Set(request.prompt.split(separator: " ").map(String.init))
        if prompts.contains("none"), prompts.count > 1 {
            return redirect(request, error: .invalidRequest("prompt=none cannot be combined"))
        }
        guard let signed, signed.user.state.canAuthenticate, !needsSignIn(request, session: signed.session, prompts: prompts, now: now) else {
            if prompts.contains("none") { return redirect(request, error: OAuthError("login_required", "the user is not signed in")) }
            return .signIn(signInURL(request, now: now, fresh: forcesSignIn(request, session: signed?.session, prompts: prompts, now: now)))
        }
        if !client.firstParty {
            let granted = try await store.read { tx in try await tx.oidcGrant(userID: signed.user.id, clientID: client.clientID) }
            let covered = granted.map { Set(scopes).isSubset(of: Set($0.scopes)) } ?? false
            if !covered || prompts.contains("consent") {
                if prompts.contains("none") { return redirect(request, error: OAuthError("consent_required", "the user has not approved")) }
                return .consent(client: client, scopes: scopes, request: request)
            }
        }
        return try await issueCode(request, client: client, scopes: scopes, signed: signed, now: now)
    }

    /// The consent form's answer: the request is checked again in full.
    public func consent(_ request: OIDCAuthorizeRequest, approve: Bool, signed: Signed, client info: ClientInfo) async throws
        -> OIDCAuthorizeOutcome {
        let (client, scopes, hinted): (OIDCClient, [String], String?)
        switch try await validate(request) {
        case .failure(let outcome): return outcome
        case .success(let found): (client, scopes, hinted) = found
        }
        if let refused = hintMismatch(request, hinted: hinted, signed: signed) { return refused }
        let now = clock.now()
        guard approve else {
            try await store.write { tx in
                try await tx.insertActivity(NewActivity(userID: signed.user.id, client: info, topic: "oidc", action: "consent",
                                                        result: "failed", data: ActivityData.reason("denied: \(client.clientID)"), now: now))
            }
            return redirect(request, error: OAuthError("access_denied", "the user denied the request"))
        }
        let events = self.events
        try await store.write { tx in
            try await tx.upsertOIDCGrant(userID: signed.user.id, clientID: client.clientID, scopes: scopes, now: now)
            try await tx.insertActivity(NewActivity(userID: signed.user.id, client: info, topic: "oidc", action: "consent",
                                                    result: "succeed", data: ActivityData.reason(client.clientID), now: now))
            try await events.emit(EventName.oidcGrantCreated, user: signed.user,
                                  extra: ["client_id": client.clientID, "scopes": scopes], withDomain: false, in: tx, now: now)
        }
        return try await issueCode(request, client: client, scopes: scopes, signed: signed, now: now)
    }

    private enum Validation {
        /// The client, the scopes asked, and the uid `id_token_hint` names.
        case success((OIDCClient, [String], String?))
        case failure(OIDCAuthorizeOutcome)
    }

    /// The client and redirect URI first (an error before they are trusted is
    /// a page), then the rest (an error is a redirect with `state` and `iss`).
    private func validate(_ request: OIDCAuthorizeRequest) async throws -> Validation {
        let lengths = request.parameters.filter { $0.0 != "id_token_hint" }.map(\.1.utf8.count)
        guard lengths.allSatisfy({ $0 <= Self.maxParameterLength }), (request.idTokenHint?.utf8.count ?? 0) <= Self.maxHintLength else {
            return .failure(.errorPage("A parameter is too long."))
        }
        guard !request.clientID.isEmpty,
              let client = try await store.read({ tx in try await tx.oidcClient(clientID: request.clientID) }) else {
            return .failure(.errorPage("Unknown client."))
        }
        guard client.redirectURIs.contains(request.redirectURI) else {
            return .failure(.errorPage("The redirect URI is not registered for this client."))
        }
        if request.requestObject { return .failure(redirect(request, error: OAuthError("request_not_supported", "request objects are not supported"))) }
        if request.requestURI { return .failure(redirect(request, error: OAuthError("request_uri_not_supported", "request_uri is not supported"))) }
        guard request.responseMode == nil || request.responseMode == "query" else {
            return .failure(redirect(request, error: .invalidRequest("only response_mode=query")))
        }
        guard request.prompt.split(separator: " ").allSatisfy({ ["none", "login", "consent"].contains($0) }) else {
            return .failure(redirect(request, error: .invalidRequest("prompt may be none, login or consent")))
        }
        guard request.responseType == "code" else {
            return .failure(redirect(request, error: OAuthError("unsupported_response_type", "only response_type=code")))
        }
        guard client.grantTypes.contains("authorization_code") else {
            return .failure(redirect(request, error: .unauthorizedClient("the client may not use the code flow")))
        }
        guard request.codeChallengeMethod == "S256" else {
            return .failure(redirect(request, error: .invalidRequest("code_challenge_method must be S256")))
        }
        guard PKCE.isChallenge(request.codeChallenge) else {
            return .failure(redirect(request, error: .invalidRequest("code_challenge is required (S256)")))
        }
        if let maxAge = request.maxAge, Int(maxAge).map({ $0 >= 0 }) != true {
            return .failure(redirect(request, error: .invalidRequest("max_age must be a non-negative integer")))
        }
        let scopes = OIDCScopes.parse(request.scope)
        guard !scopes.isEmpty, scopes.allSatisfy(client.scopes.contains) else {
            return .failure(redirect(request, error: .invalidScope("a scope the client may not ask")))
        }
        var hinted: String?
        if let hint = request.idTokenHint {
            guard let claims = await signer.verifyIDHint(hint), claims.iss == issuer, claims.aud == client.clientID else {
                return .failure(redirect(request, error: .invalidRequest("id_token_hint is not an ID token of this provider for this client")))
            }
            hinted = claims.sub
        }
        return .success((client, scopes, hinted))
    }

    private func needsSignIn(_ request: OIDCAuthorizeRequest, session: SessionRecord, prompts: Set<String>, now: Int64) -> Bool {
        if forcesSignIn(request, session: session, prompts: prompts, now: now) { return true }
        guard let after = request.authAfter else { return false }
        // A hand-off that does not verify counts as asking for a new sign-in.
        guard let time = verifiedAuthAfter(after, clientID: request.clientID) else { return true }
        return session.createdAt < time
    }

    /// `prompt=login`, or `max_age` passed (`max_age=0` is `prompt=login`, OpenID Connect Core errata).
    private func forcesSignIn(_ request: OIDCAuthorizeRequest, session: SessionRecord?, prompts: Set<String>, now: Int64) -> Bool {
        if prompts.contains("login") { return true }
        guard let maxAge = request.maxAge.flatMap(Int64.init) else { return false }
        guard let session else { return true }
        return maxAge == 0 || now - session.createdAt > maxAge
    }

    /// `auth_after`: the time, a dot, and an HMAC of the time and the client.
    func signedAuthAfter(_ time: Int64, clientID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(time)|\(clientID)".utf8), using: handOffKey)
        return "\(time)." + Array(mac).hexString
    }

    /// OpenID Connect Core §3.1.2.1: another account signed in than `id_token_hint` names is
    /// `login_required`, never a code for them (nil: no hint, no session, or the same user).
    private func hintMismatch(_ request: OIDCAuthorizeRequest, hinted: String?, signed: Signed?) -> OIDCAuthorizeOutcome? {
        guard let hinted, let signed, signed.user.uid != hinted else { return nil }
        return redirect(request, error: OAuthError("login_required", "another account is signed in than id_token_hint names"))
    }

    func verifiedAuthAfter(_ value: String, clientID: String) -> Int64? {
        let parts = value.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let time = Int64(parts[0]), constantTimeEquals(signedAuthAfter(time, clientID: clientID), value) else {
            return nil
        }
        return time
    }

    /// The front-end's sign-in page with `return_to` this same request (and
    /// `login_hint` when the client sent one); a
    /// forced sign-in (`prompt=login`, `max_age`) becomes a signed
    /// `auth_after`, so the way back does not loop and cannot be edited.
    private func signInURL(_ request: OIDCAuthorizeRequest, now: Int64, fresh: Bool) -> String {
        var back = request
        if fresh {
            back.prompt = request.prompt.split(separator: " ").filter { $0 != "login" }.joined(separator: " ")
            back.maxAge = nil
            back.authAfter = signedAuthAfter(now, clientID: request.clientID)
        }
        let returnTo = URLQuery.append(back.parameters, to: issuer + "/authorize")
        // `login_hint` is passed on for the sign-in form to fill in; it is never trusted as who signs in.
        return URLQuery.append([("return_to", returnTo)] + (request.loginHint.map { [("login_hint", $0)] } ?? []), to: loginURL)
    }

    private func issueCode(_ request: OIDCAuthorizeRequest, client: OIDCClient, scopes: [String], signed: Signed, now: Int64) async throws
        -> OIDCAuthorizeOutcome {
        let code = SecureRandom.urlSafeToken(bytes: 32)
        let (acr, amr) = OIDCAuthentication.level(of: signed.session, user: signed.user)
        let record = OIDCCode(
            codeHash: sha256Hex(code), clientID: client.clientID, userID: signed.user.id, sessionHash: signed.session.idHash,
            redirectURI: request.redirectURI, codeChallenge: request.codeChallenge, nonce: request.nonce,
            scope: scopes.joined(separator: " "), authTime: signed.session.createdAt, acr: acr, amr: amr,
            expiresAt: now + Self.codeLifetime
        )
        try await store.write { tx in
            try await tx.sweepOIDCCodes(before: now - 86_400)
            try await tx.insertOIDCCode(record, now: now)
        }
        var answer = [("code", code)]
        if let state = request.state { answer.append(("state", state)) }
        answer.append(("iss", issuer))
        return .redirect(URLQuery.append(answer, to: request.redirectURI))
    }

    /// An error for the client, at its (trusted) redirect URI (RFC 6749 §4.1.2.1, RFC 9207).
    private func redirect(_ request: OIDCAuthorizeRequest, error: OAuthError) -> OIDCAuthorizeOutcome {
        var answer = [("error", error.code), ("error_description", error.description)]
        if let state = request.state { answer.append(("state", state)) }
        answer.append(("iss", issuer))
        return .redirect(URLQuery.append(answer, to: request.redirectURI))
    }
}

/// How strongly a session's user was authenticated: `acr` 1 (password) or 2
/// (with a second factor, or a user-verifying passkey), and RFC 8176's `amr`.
public enum OIDCAuthentication {
    public static func level(of session: SessionRecord, user: User) -> (acr: String, amr: [String]) {
        switch SignInMethod(rawValue: session.method) {
        case .passkey: ("2", ["hwk", "user"])
        case .recoveryCode: ("2", ["pwd", "otp", "mfa"])
        case .password where user.otp: ("2", ["pwd", "otp", "mfa"])
        case .auth0: ("1", ["ext"])
        case .email: ("1", ["email"])
        default: ("1", ["pwd"])
        }
    }
}

/// Space-separated scopes, each once, in the order given.
public enum OIDCScopes {
    public static func parse(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(separator: " ").map(String.init).filter { seen.insert($0).inserted }
    }
}

/// RFC 7636 with S256 only.
public enum PKCE {
    static let base64URL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
    /// A verifier's characters: RFC 3986's unreserved.
    static let unreserved = base64URL.union(".~".unicodeScalars)

    /// A challenge is the base64url SHA-256 of a verifier: 43 characters.
    public static func isChallenge(_ text: String) -> Bool {
        text.utf8.count == 43 && text.unicodeScalars.allSatisfy(base64URL.contains)
    }

    public static func verifies(_ verifier: String, challenge: String) -> Bool {
        guard (43...128).contains(verifier.utf8.count), verifier.unicodeScalars.allSatisfy(unreserved.contains) else { return false }
        return constantTimeEquals(Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))), challenge)
    }
}

/// Query parameters appended to a URL that may have some already.
public enum URLQuery {
    /// RFC 3986 unreserved characters stay; everything else is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func append(_ parameters: [(String, String)], to url: String) -> String {
        let encoded = parameters.map { name, value in
            "\(encode(name))=\(encode(value))"
        }.joined(separator: "&")
        guard !encoded.isEmpty else { return url }
        return url + (url.contains("?") ? "&" : "?") + encoded
    }

    public static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
