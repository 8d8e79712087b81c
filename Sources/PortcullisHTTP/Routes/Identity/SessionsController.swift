import Hummingbird
import PortcullisCore

/// `POST` and `DELETE identity/sessions`.
struct SessionsController {
    let auth0: Auth0LoginService
    let captcha: CaptchaGuard
    let cookie: SessionCookie
    let login: LoginService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("", use: create)
        group.delete("", use: destroy)
        group.post("auth0", use: auth0)
    }

    @Sendable func auth0(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identitySession)
        let idToken = params.required("id_token")
        let otpCode = params.optional("otp_code")
        try params.finish()
        let (info, session) = try await auth0.login(idToken: idToken, otpCode: otpCode, client: context.client)
        return Responses.json(
            renderer.fullInfo(info, csrfToken: session.csrfToken),
            headers: cookie.set(session, secure: context.overHTTPS)
        )
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await counted(Telemetry.login(failure:)) { try await login(request, context: context) }
    }

    private func login(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identitySession)
        let email = params.required("email")
        let password = params.required("password")
        let otpCode = params.optional("otp_code")
        let recoveryCode = params.optional("recovery_code")
        // Either code, never both.
        if LoginService.given(otpCode) != nil && LoginService.given(recoveryCode) != nil { params.fail(ErrorKey.Session.otpAndRecovery) }
        try params.finish()
        try await captcha.check(.sessionCreate, context.params.captchaResponse)
        let (info, session) = try await login.login(
            email: email, password: password, otpCode: otpCode, recoveryCode: recoveryCode, client: context.client
        )
        return Responses.json(
            renderer.fullInfo(info, csrfToken: session.csrfToken),
            headers: cookie.set(session, secure: context.overHTTPS)
        )
    }

    /// No CSRF check on logout (as Barong).
    @Sendable func destroy(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await login.logout(cookie: cookie.read(from: request), client: context.client)
        return Responses.empty(.ok, headers: cookie.clear(secure: context.overHTTPS))
    }
}
