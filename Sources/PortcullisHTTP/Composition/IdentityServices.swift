import AsyncHTTPClient
import PortcullisCore
import PortcullisIntegrations

/// What `public/*` and `identity/*` use: signup, login (password, passkey,
/// Auth0), email confirmation, password reset, captcha, the KYC callback.
struct IdentityServices: Sendable {
    let info: InfoController
    let kyc: KYCCallbackService
    let captcha: CaptchaGuard
    let geetest: GeetestVerifier?
    let signup: SignupService
    let whitelist: WhitelistAccessService
    let confirmations: EmailConfirmationService
    let resets: PasswordResetService
    let login: LoginService
    let auth0: Auth0LoginService
    let passkeyLogin: PasskeyLogin
    let freeze: FreezeService
    let renderer: EntityRenderer
    let cookie: SessionCookie
    let geetestID: String

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices) throws -> IdentityServices {
        let (config, store, clock, hasher) = (inputs.config, inputs.store, inputs.clock, inputs.hasher)
        let confirmations = EmailConfirmationService(
            store: store, signer: shared.oneTimeTokens, sessions: shared.sessions, userWriter: shared.userWriter, events: shared.events,
            clock: clock, tokenLifetime: config.jwtExpireTime, logger: inputs.logger
        )
        let captcha = CaptchaSetup(config: config, client: inputs.httpClient)
        let auth0Verifier: (any IDTokenVerifier)? = config.auth0Domain.isEmpty ? nil : Auth0TokenVerifier(
            client: inputs.httpClient, domain: config.auth0Domain, jwksURL: config.auth0JWKSURL, clientID: config.auth0ClientID,
            clock: clock
        )
        return IdentityServices(
            info: InfoController(clock: clock, config: config, jwks: JSONValue(any: try JWTAccessTokenIssuer.jwks(
                privateKeyPEM: inputs.privateKeyPEM)), policy: shared.policy),
            kyc: KYCCallbackService(store: store, submissions: shared.kyc.submissions, clock: clock,
                                    callbackSecret: config.kycaidCallbackSecret),
            captcha: captcha.guard, geetest: captcha.geetest,
            signup: SignupService(
                store: store, hasher: hasher, sessions: shared.sessions, policy: shared.policy, uids: shared.uids,
                userWriter: shared.userWriter, clock: clock, firstRegistrationSuperadmin: config.firstRegistrationSuperadmin,
                confirmations: confirmations
            ),
            whitelist: shared.whitelist, confirmations: confirmations,
            resets: PasswordResetService(
                store: store, signer: shared.oneTimeTokens, hasher: hasher, policy: shared.policy, events: shared.events,
                clock: clock, tokenLifetime: config.jwtExpireTime, logger: inputs.logger
            ),
            login: shared.login,
            auth0: Auth0LoginService(store: store, verifier: auth0Verifier, hasher: hasher, login: shared.login, otp: shared.otp,
                                     uids: shared.uids, userWriter: shared.userWriter, clock: clock),
            passkeyLogin: PasskeyLogin(store: store, clock: clock, cbor: LibCBORDecoder(), settings: config.passkeySettings,
                                       login: shared.login, decoySecret: inputs.privateKeyPEM),
            freeze: shared.freeze, renderer: shared.renderer, cookie: shared.cookie, geetestID: config.geetestID
        )
    }
}

/// The captcha the configuration names: the guard every protected route
/// asks, and the Geetest verifier when it is Geetest (its register route needs it).
struct CaptchaSetup {
    let `guard`: CaptchaGuard
    let geetest: GeetestVerifier?

    init(config: Config, client: HTTPClient) {
        let geetest = config.captcha == .geetest
            ? GeetestVerifier(client: client, apiURL: config.geetestAPIURL, id: config.geetestID, key: config.geetestKey) : nil
        let verifier: (any CaptchaVerifier)? = switch config.captcha {
        case .recaptcha: RecaptchaVerifier(client: client, verifyURL: config.recaptchaVerifyURL, secret: config.recaptchaSecretKey)
        case .geetest: geetest
        case .none: nil
        }
        self.geetest = geetest
        self.guard = CaptchaGuard(kind: config.captcha, protectedEndpoints: config.captchaProtectedEndpoints, verifier: verifier)
    }
}
