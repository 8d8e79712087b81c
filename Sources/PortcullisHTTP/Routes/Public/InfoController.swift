import Hummingbird
import PortcullisCore

/// `ping`, `time`, `version`, `configs`, `password/validate`: the same
/// handlers under `public/` and `identity/`.
struct InfoController {
    let clock: any ServerClock
    let config: Config
    let jwks: JSONValue
    let policy: PasswordPolicy

    func addRoutes(to group: RouterGroup<PortcullisContext>, public isPublic: Bool) {
        group.get("ping") { _, _ in Responses.json(.object([("ping", .string("pong"))])) }
        group.get("time") { _, _ in Responses.json(.object([("time", .int(clock.now()))])) }
        group.get("version") { _, _ in version() }
        group.get("configs") { _, _ in configs() }
        let scope = isPublic ? ErrorKey.Scope.publicGeneral : ErrorKey.Scope.identityGeneral
        group.post("password/validate") { _, context in try await validatePassword(context, scope: scope) }
        if isPublic {
            // A deliberate addition: the key that verifies authorize's JWTs.
            group.get("jwks") { _, _ in Responses.json(jwks) }
            group.get("configs/auth0") { _, _ in
                Responses.json(.object([
                    ("auth0_domain", .string(config.auth0Domain)),
                    ("auth0_client_id", .string(config.auth0ClientID)),
                ]))
            }
        }
    }

    func version() -> Response {
        Responses.json(.object([
            ("git_tag", .string(BuildInfo.gitTag)), ("git_sha", .string(BuildInfo.gitSHA)),
            ("build_date", .string(BuildInfo.buildDate)), ("version", .string(BuildInfo.version)),
        ]))
    }

    func configs() -> Response {
        let config = config
        var fields: [(String, JSONValue)] = [
            ("session_expire_time", .int(config.sessionExpireTime)),
            ("captcha_type", .string(config.captcha.rawValue)),
        ]
        if config.captcha == .recaptcha { fields.append(("captcha_id", .string(config.recaptchaSiteKey))) }
        fields.append(("phone_verification_type", .string(config.phoneVerification.rawValue)))
        fields.append(("password_min_entropy", .int(config.passwordMinEntropy)))
        fields.append(("password_regexp", .string(config.passwordRegexp)))
        return Responses.json(.object(fields))
    }

    /// Barong keys a missing password here `<group>.general.missing_password`.
    /// `breached` (beyond Barong) only when a breach list is configured: true
    /// when a new password would be refused for it (takeover.md §P); left
    /// out while `BreachScreen.advisoryLimit` validations are being looked up.
    func validatePassword(_ context: PortcullisContext, scope: String) async throws -> Response {
        var params = ParamValidator(context.params, scope: scope)
        let password = params.required("password", allowBlank: true)
        try params.finish()
        var fields: [(String, JSONValue)] = [("entropy", .double(policy.entropy.entropy(of: password)))]
        if policy.breaches.isOn, let breached = await policy.breaches.advises(password) { fields.append(("breached", .bool(breached))) }
        return Responses.json(.object(fields), status: .created)
    }
}
