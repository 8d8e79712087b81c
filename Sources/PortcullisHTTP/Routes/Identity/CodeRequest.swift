import PortcullisCore

/// The shared front of both `generate_code` routes: a required `email`,
/// then the captcha of that endpoint, before anything touches the database.
enum CodeRequest {
    static func email(_ context: PortcullisContext, captcha endpoint: CaptchaGuard.Endpoint, guard captcha: CaptchaGuard) async throws -> String {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let email = params.required("email")
        try params.finish()
        try await captcha.check(endpoint, context.params.captchaResponse)
        return email
    }
}
