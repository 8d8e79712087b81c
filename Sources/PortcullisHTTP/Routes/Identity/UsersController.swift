import Hummingbird
import PortcullisCore
import PortcullisIntegrations

/// `POST identity/users` (sign up) and `register_geetest`.
struct UsersController {
    let captcha: CaptchaGuard
    let geetestID: String
    let cookie: SessionCookie
    let geetest: GeetestVerifier?
    let renderer: EntityRenderer
    let signup: SignupService
    let whitelist: WhitelistAccessService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("", use: create)
        group.get("register_geetest", use: registerGeetest)
        group.post("access", use: access)
    }

    /// `POST identity/users/access`: 201 with an empty body (Barong's boolean is incidental).
    @Sendable func access(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let token = params.required("whitelink_token")
        try params.finish()
        try await whitelist.access(token: token, ip: context.client.ip)
        return Responses.empty(.created)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await counted(Telemetry.signup(failure:)) { try await signup(request, context: context) }
    }

    private func signup(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let email = params.required("email")
        let password = params.required("password")
        let username = params.optional("username")
        let refid = params.optional("refid")
        let data = params.optional("data")
        try params.finish()
        try await captcha.check(.userCreate, context.params.captchaResponse)
        let input = SignupInput(email: email, password: password, username: username, refid: refid, data: data)
        let (info, session) = try await signup.signup(input, client: context.client)
        return Responses.json(
            renderer.fullInfo(info, csrfToken: session.csrfToken), status: .created,
            headers: cookie.set(session, secure: context.overHTTPS)
        )
    }

    /// Always a JSON object; no outbound call unless captcha is geetest (deliberate difference).
    @Sendable func registerGeetest(_ request: Request, context: PortcullisContext) async throws -> Response {
        let challenge = await geetest?.register() ?? ""
        return Responses.json(.object([("gt", .string(geetestID)), ("challenge", .string(challenge))]))
    }
}
