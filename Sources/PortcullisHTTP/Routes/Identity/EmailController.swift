import Hummingbird
import PortcullisCore

/// `identity/users/email/generate_code` and `confirm_code`.
struct EmailController {
    let captcha: CaptchaGuard
    let confirmations: EmailConfirmationService
    let cookie: SessionCookie
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("generate_code", use: generateCode)
        group.post("confirm_code", use: confirmCode)
    }

    /// 201 with an empty body whatever the address (no enumeration).
    @Sendable func generateCode(_ request: Request, context: PortcullisContext) async throws -> Response {
        let email = try await CodeRequest.email(context, captcha: .emailConfirmation, guard: captcha)
        confirmations.requestCode(email: email)
        return Responses.empty(.created)
    }

    @Sendable func confirmCode(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let token = params.required("token")
        try params.finish()
        let (info, session) = try await confirmations.confirm(token: token, client: context.client)
        return Responses.json(
            renderer.fullInfo(info, csrfToken: session.csrfToken), status: .created,
            headers: cookie.set(session, secure: context.overHTTPS)
        )
    }
}
