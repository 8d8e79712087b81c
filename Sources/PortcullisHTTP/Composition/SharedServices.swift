import PortcullisCore
import PortcullisIntegrations

/// The services several route groups build on (sessions, second factors,
/// user writes, events, permissions). Only the composition sees this
/// whole: each group's bundle takes the few it needs.
struct SharedServices: Sendable {
    let policy: PasswordPolicy
    let events: EventWriter
    let userWriter: UserWriter
    let cache: AuthCache
    let sessions: SessionService
    let sessionList: SessionListService
    let throttle: LoginThrottle
    let otp: OTPService
    let reauth: Reauthentication
    let freeze: FreezeService
    let login: LoginService
    let oneTimeTokens: JWTOneTimeTokenSigner
    let serverSigner: ServerJWSSigner
    let permissionGate: PermissionGate
    let restrictions: RestrictionGuard
    let whitelist: WhitelistAccessService
    let kyc: KYCServices
    let renderer: EntityRenderer
    let cookie: SessionCookie
    let uids: UIDGenerator
    /// A session cookie or a gateway bearer JWT: the resource and admin APIs' authentication.
    let resourceAuth: ResourceAuthMiddleware

    static func make(_ inputs: CompositionInputs) async throws -> SharedServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        let events = EventWriter(domain: config.domain, routing: EventSinks.routing(config: config), box: inputs.secretBox)
        let userWriter = UserWriter(rules: UserStatusRules(activationRequirements: config.activationRequirements), events: events)
        let cache = AuthCache(ttl: config.authCacheTTL, clock: clock)
        store.addCommitObserver(cache)
        let sessions = SessionService(store: store, clock: clock, cache: cache, expireTime: config.sessionExpireTime)
        let throttle = LoginThrottle(store: store, clock: clock, accountLimit: config.loginThrottleAccount,
                                     ipLimit: config.loginThrottleIP)
        let stepUp = StepUp(store: store, clock: clock, cbor: LibCBORDecoder(), settings: config.passkeySettings, throttle: throttle)
        let otp = OTPService(store: store, box: inputs.secretBox, qr: QRCodePNGRenderer(), userWriter: userWriter, throttle: throttle,
                             clock: clock, issuer: config.appName, stepUp: stepUp)
        let permissionCache = PermissionCache(repository: StorePermissions(store: store), clock: clock)
        store.addCommitObserver(permissionCache)
        let restrictions = RestrictionGuard(store: store, clock: clock)
        store.addCommitObserver(restrictions)
        let cookie = SessionCookie(name: config.sessionName)
        let resourceAuth = ResourceAuthMiddleware(
            sessions: sessions, tokens: try await AccessTokenVerifier.make(privateKeyPEM: inputs.privateKeyPEM), cookie: cookie,
            csrfProtection: config.csrfProtection
        )
        let reauth = Reauthentication(hasher: inputs.hasher, otp: otp, throttle: throttle)
        let oneTimeTokens = try await JWTOneTimeTokenSigner.make(privateKeyPEM: inputs.privateKeyPEM, clock: clock)
        let breaches = try BreachScreen.make(config: config, client: inputs.httpClient, logger: inputs.logger)
        return SharedServices(
            policy: try PasswordPolicy(config: config, breaches: breaches), events: events, userWriter: userWriter, cache: cache, sessions: sessions,
            sessionList: SessionListService(store: store, clock: clock), throttle: throttle, otp: otp, reauth: reauth,
            freeze: FreezeService(store: store, signer: oneTimeTokens, reauth: reauth, userWriter: userWriter, events: events, clock: clock),
            login: LoginService(store: store, hasher: inputs.hasher, sessions: sessions, events: events, otp: otp,
                                throttle: throttle, breaches: breaches, clock: clock),
            oneTimeTokens: oneTimeTokens,
            serverSigner: try await ServerJWSSigner.make(privateKeyPEM: inputs.privateKeyPEM),
            permissionGate: PermissionGate(permissions: permissionCache, store: store, clock: clock),
            restrictions: restrictions,
            whitelist: WhitelistAccessService(store: store, restrictions: restrictions, clock: clock),
            kyc: KYCServices.make(inputs, userWriter: userWriter, events: events),
            renderer: EntityRenderer(maskingEnabled: config.apiDataMaskingEnabled),
            cookie: cookie, uids: UIDGenerator(prefix: config.uidPrefix), resourceAuth: resourceAuth
        )
    }
}

/// Profiles and documents (users' and the management API's) and the KYCAID
/// hand-off they share.
struct KYCServices: Sendable {
    let submissions: KYCAIDSubmissions
    let sink: KYCAIDSink?
    let profiles: ProfileService
    let documents: DocumentService

    static func make(_ inputs: CompositionInputs, userWriter: UserWriter, events: EventWriter) -> KYCServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        let submissions = KYCAIDSubmissions(enabled: config.kycProvider == .kycaid, events: events)
        let sink = !submissions.enabled ? nil : KYCAIDSink(
            store: store, provider: KYCAIDClient(client: inputs.httpClient, endpoint: config.kycaidAPIEndpoint,
                                                 token: config.kycaidAuthorizationToken, formID: config.kycaidFormID,
                                                 callbackURL: config.publicURL + "/api/v2/auth/public/kyc"),
            files: inputs.files, userWriter: userWriter, events: events, clock: clock, logger: inputs.logger
        )
        return KYCServices(
            submissions: submissions, sink: sink,
            profiles: ProfileService(store: store, userWriter: userWriter, events: events, clock: clock, kycaid: submissions),
            documents: DocumentService(
                store: store, files: inputs.files, userWriter: userWriter, events: events, clock: clock, limit: config.docNumLimit,
                requireExpiry: config.requiredDocsExpire, maxBytes: config.uploadMaxBytes, salt: config.crc32Salt,
                kycaid: submissions
            )
        )
    }
}
