/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the
/// browser's session ends when the client names it with an ID token of the
/// same user (`id_token_hint`), so a link elsewhere cannot sign anyone out;
/// the browser goes back only to a registered post-logout URI.
public struct OIDCLogout: Sendable {
    let store: any Store
    let sessions: SessionService
    let signer: any OIDCTokenSigner
    let issuer: String
    let clock: any ServerClock

    public init(store: any Store, sessions: SessionService, signer: any OIDCTokenSigner, issuer: String, clock: any ServerClock) {
        self.store = store; self.sessions = sessions; self.signer = signer; self.issuer = issuer; self.clock = clock
    }

    /// `ended`: this browser's session was ended (its cookie is to be cleared).
    public enum Result: Sendable, Equatable {
        case redirect(String, ended: Bool)
        case refused(String)
        case signedOut(ended: Bool)
    }

    public func end(cookie: String?, idTokenHint: String?, clientID: String?, postLogoutRedirectURI: String?, state: String?,
                    client info: ClientInfo) async throws -> Result {
        var hint: OIDCIDClaims?
        if let idTokenHint {
            guard let claims = await signer.verifyIDHint(idTokenHint), claims.iss == issuer else {
                return .refused("The id_token_hint is not an ID token of this provider.")
            }
            hint = claims
        }
        if let clientID, let hint, hint.aud != clientID { return .refused("The id_token_hint belongs to another client.") }
        var destination: String?
        if let uri = postLogoutRedirectURI {
            guard let owner = clientID ?? hint?.aud,
                  let registered = try await store.read({ tx in try await tx.oidcClient(clientID: owner) }),
                  registered.postLogoutRedirectURIs.contains(uri) else {
                return .refused("The post-logout redirect URI is not registered for this client.")
            }
            destination = uri
        }
        guard let hint else { return .refused("Sign out from the application that signed you in (it sends id_token_hint).") }
        var ended = false
        if let (user, session) = try await sessions.sessionUser(cookie: cookie) {
            // Another account's ID token ends nothing here: a link cannot sign anyone else out.
            guard user.uid == hint.sub else { return .refused("This sign-out is for another account.") }
            let now = clock.now()
            try await store.write { tx in
                try await tx.insertActivity(NewActivity(userID: user.id, client: info, topic: "session", action: "logout::oidc",
                                                        result: "succeed", data: ActivityData.reason(hint.aud), now: now))
                try await tx.deleteSession(idHash: session.idHash)
            }
            ended = true
        }
        guard let destination else { return .signedOut(ended: ended) }
        return .redirect(URLQuery.append(state.map { [("state", $0)] } ?? [], to: destination), ended: ended)
    }
}
