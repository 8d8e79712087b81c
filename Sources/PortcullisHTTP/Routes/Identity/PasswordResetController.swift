import Hummingbird
import PortcullisCore

/// `identity/users/password/generate_code` and `confirm_code`.
struct PasswordResetController {
    let captcha: CaptchaGuard
    let resets: PasswordResetService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("generate_code", use: generateCode)
        group.post("confirm_code", use: confirmCode)
    }

    /// 201 with an empty body whatever the address (no enumeration).
    @Sendable func generateCode(_ request: Request, context: PortcullisContext) async throws -> Response {
        let email = try await CodeRequest.email(context, captcha: .passwordReset, guard: captcha)
        resets.requestCode(email: email, client: context.client)
        return Responses.empty(.created)
    }

    /// An absent token is `missing_pass_token` (Barong's key); blanks use the generic form.
    @Sendable func confirmCode(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let token = params.required("reset_password_token", missingKey: ErrorKey.Identity.missingPassToken)
        let password = params.required("password")
        let confirmation = params.required("confirm_password")
        try params.finish()
        try await resets.confirm(token: token, password: password, confirmation: confirmation, client: context.client)
        return Responses.empty(.created)
    }
}
