import Hummingbird
import PortcullisCore

/// `POST identity/users` — sign up (api.md §2.3).
struct UsersController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("", use: create)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: "identity.user")
        let email = params.required("email")
        let password = params.required("password")
        let username = params.optional("username")
        let refid = params.optional("refid")
        let data = params.optional("data")
        try params.finish()
        let input = SignupInput(email: email, password: password, username: username, refid: refid, data: data)
        let (info, session) = try await services.signup.signup(input, client: context.client)
        return Responses.json(
            services.renderer.fullInfo(info, csrfToken: session.csrfToken), status: .created,
            headers: services.cookie.set(session, secure: context.overHTTPS)
        )
    }
}
