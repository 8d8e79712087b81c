import Foundation
import Hummingbird
import PortcullisCore

/// `identity/sessions/passkey`: signing in with a passkey.
struct PasskeySessionsController {
    let passkeyLogin: PasskeyLogin
    let renderer: EntityRenderer
    let cookie: SessionCookie

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("options", use: options)
        group.post("", use: signIn)
    }

    @Sendable func options(_ request: Request, context: PortcullisContext) async throws -> Response {
        Responses.json(PasskeyEntity.request(try await passkeyLogin.options(email: context.params.text("email"))))
    }

    /// `{credential}`: the same answer as a password login.
    @Sendable func signIn(_ request: Request, context: PortcullisContext) async throws -> Response {
        struct Body: Decodable { let credential: AssertionCredential }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(context.params.rawBody)) else {
            throw APIError(.unauthorized, ErrorKey.Session.invalidPasskey)
        }
        let (info, session) = try await passkeyLogin.signIn(body.credential, client: context.client)
        return Responses.json(renderer.fullInfo(info, csrfToken: session.csrfToken),
                              headers: cookie.set(session, secure: context.overHTTPS))
    }
}
