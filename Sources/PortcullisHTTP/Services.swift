import AsyncHTTPClient
import Logging
import PortcullisCore
import PortcullisIntegrations

/// Every service the routes use, built once by `buildApplication`'s caller.
public struct Services: Sendable {
    let config: Config
    let store: any Store
    let clock: any Clock
    let policy: PasswordPolicy
    let sessions: SessionService
    let sessionList: SessionListService
    let passkeys: PasskeyRegistration
    let passkeyLogin: PasskeyLogin
    let login: LoginService
    let signup: SignupService
    let accounts: AccountService
    let activities: ActivityService
    let confirmations: EmailConfirmationService
    let resets: PasswordResetService
    let captcha: CaptchaGuard
    let geetest: GeetestVerifier?
    let outbox: OutboxWorker
    let otp: OTPService
    let apiKeys: APIKeyService
    let authorize: AuthorizeService
    let jwks: JSONValue
    let labels: LabelService
    let dataStorage: DataStorageService
    let profiles: ProfileService
    let phones: PhoneService
    let documents: DocumentService
    let kyc: KYCCallbackService
    let restrictions: RestrictionGuard
    /// The GeoIP database (`maxminddb_path`), nil when none is configured.
    let geo: (any GeoLocator)?
    let whitelist: WhitelistAccessService
    let auth0: Auth0LoginService
    let renderer: EntityRenderer
    let tokens: AccessTokenVerifier
    let cookie: SessionCookie
    let clientResolver: ClientResolver
    /// The authorize call, as both listeners make it.
    let gateway: GatewayCall
    let logger: Logger
    // The admin API (api-admin.md Part A).
    let abilities: AbilityTable
    let permissionGate: PermissionGate
    let adminUsers: AdminUserService
    let adminLabels: AdminLabelService
    let adminComments: AdminCommentService
    let adminPermissions: PermissionAdminService
    let adminRestrictions: RestrictionAdminService
    let adminProfiles: AdminProfileService
    let adminReports: AdminReports
    // The admin console (issue 21).
    let consoleSessions: ConsoleSessionService
    let consoleDashboard: ConsoleDashboard
    let consoleRenderer: ConsoleRenderer
    let files: any FileStore
    // The management API (api-admin.md Part B).
    let managementGate: ManagementGate
    let managementUsers: ManagementUserService
    let managementAccounts: ManagementAccountService
    let managementPhones: ManagementPhoneService
    let managementAPIKeys: ManagementAPIKeyService
    let managementOTP: ManagementOTPService
    /// `users/me` bodies, reused while the caller's full info is unchanged.
    let meBodies = RenderedBodyCache()
    /// Admin entities are never masked.
    let adminRenderer = EntityRenderer(maskingEnabled: false)

    /// `mailer` delivers outbox mail (SMTP in production, a recorder in tests).
    public init(
        config: Config, store: any Store, hasher: any PasswordHasher, privateKeyPEM: String, secretBox: SecretBox,
        mailer: any Mailer, phoneChannel: any PhoneCodeChannel, fileStore: any FileStore,
        accessRules: AccessRules = .defaults, abilities: AbilityTable? = nil,
        management: (config: ManagementAPIConfig, keychain: ManagementKeychain)? = nil, geo: (any GeoLocator)? = nil,
        clock: any Clock = SystemClock(),
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "portcullis")
    ) async throws {
        self.config = config
        self.store = store
        self.clock = clock
        self.logger = logger
        self.geo = geo
        policy = try PasswordPolicy(config: config)
        let serverSigner = try await ServerJWSSigner.make(privateKeyPEM: privateKeyPEM)
        let events = EventWriter(domain: config.domain, routing: Self.eventRouting(config: config))
        let rules = UserStatusRules(activationRequirements: config.activationRequirements, events: events)
        let signer = try await JWTOneTimeTokenSigner.make(privateKeyPEM: privateKeyPEM, clock: clock)
        let cache = AuthCache(ttl: config.authCacheTTL, clock: clock)
        store.addCommitObserver(cache)
        sessions = SessionService(store: store, clock: clock, cache: cache, expireTime: config.sessionExpireTime)
        sessionList = SessionListService(store: store, clock: clock)
        let throttle = LoginThrottle(store: store, clock: clock, accountLimit: config.loginThrottleAccount,
                                     ipLimit: config.loginThrottleIP)
        otp = OTPService(store: store, box: secretBox, qr: QRCodePNGRenderer(), rules: rules, throttle: throttle, clock: clock,
                         issuer: config.appName)
        let reauth = Reauthentication(hasher: hasher, otp: otp, throttle: throttle)
        apiKeys = APIKeyService(store: store, box: secretBox, otp: otp, clock: clock)
        login = LoginService(store: store, hasher: hasher, sessions: sessions, events: events, otp: otp, throttle: throttle,
                             clock: clock)
        let cbor = LibCBORDecoder()
        passkeys = PasskeyRegistration(store: store, clock: clock, cbor: cbor, settings: config.passkeySettings, reauth: reauth)
        passkeyLogin = PasskeyLogin(store: store, clock: clock, cbor: cbor, settings: config.passkeySettings, login: login,
                                    decoySecret: privateKeyPEM)
        confirmations = EmailConfirmationService(
            store: store, signer: signer, sessions: sessions, rules: rules, events: events, clock: clock,
            tokenLifetime: config.jwtExpireTime, logger: logger
        )
        resets = PasswordResetService(
            store: store, signer: signer, hasher: hasher, policy: policy, events: events, clock: clock,
            tokenLifetime: config.jwtExpireTime, logger: logger
        )
        signup = SignupService(
            store: store, hasher: hasher, sessions: sessions, policy: policy, uids: UIDGenerator(prefix: config.uidPrefix),
            rules: rules, clock: clock, firstRegistrationSuperadmin: config.firstRegistrationSuperadmin,
            confirmations: confirmations
        )
        accounts = AccountService(
            store: store, hasher: hasher, policy: policy, rules: rules, clock: clock, cache: cache, events: events, reauth: reauth
        )
        let permissionCache = PermissionCache(repository: StorePermissions(store: store), clock: clock)
        store.addCommitObserver(permissionCache)
        permissionGate = PermissionGate(permissions: permissionCache, store: store, clock: clock)
        authorize = AuthorizeService(
            rules: accessRules, sessions: sessions,
            apiKeys: APIKeyAuthenticator(store: store, box: secretBox, cache: cache, clock: clock, nonceLifetimeMS: config.apikeyNonceLifetime),
            permissions: permissionGate,
            issuer: try await JWTAccessTokenIssuer.make(privateKeyPEM: privateKeyPEM, clock: clock, lifetime: config.jwtExpireTime),
            store: store, clock: clock, csrfProtection: config.csrfProtection, logger: logger
        )
        jwks = JSONValue(any: try JWTAccessTokenIssuer.jwks(privateKeyPEM: privateKeyPEM))
        let auth0Verifier: (any IDTokenVerifier)? = config.auth0Domain.isEmpty ? nil : Auth0TokenVerifier(
            client: httpClient, domain: config.auth0Domain, jwksURL: config.auth0JWKSURL, clientID: config.auth0ClientID, clock: clock
        )
        auth0 = Auth0LoginService(store: store, verifier: auth0Verifier, hasher: hasher, login: login, otp: otp,
                                  uids: UIDGenerator(prefix: config.uidPrefix), rules: rules, clock: clock)
        restrictions = RestrictionGuard(store: store, clock: clock)
        store.addCommitObserver(restrictions)
        whitelist = WhitelistAccessService(store: store, restrictions: restrictions, clock: clock)
        labels = LabelService(store: store, events: events, clock: clock)
        dataStorage = DataStorageService(store: store, rules: rules, events: events, clock: clock, allowedTitles: config.userStorageTitles)
        let kycaid = KYCAIDSubmissions(enabled: config.kycProvider == .kycaid, events: events)
        let kycaidSink = !kycaid.enabled ? nil : KYCAIDSink(
            store: store, provider: KYCAIDClient(client: httpClient, endpoint: config.kycaidAPIEndpoint,
                                                 token: config.kycaidAuthorizationToken, formID: config.kycaidFormID,
                                                 callbackURL: config.publicURL + "/api/v2/auth/public/kyc"),
            files: fileStore, rules: rules, events: events, clock: clock, logger: logger
        )
        kyc = KYCCallbackService(store: store, submissions: kycaid, clock: clock, callbackSecret: config.kycaidCallbackSecret)
        profiles = ProfileService(store: store, rules: rules, events: events, clock: clock, kycaid: kycaid)
        phones = PhoneService(store: store, channel: phoneChannel, rules: rules, clock: clock, salt: config.crc32Salt)
        documents = DocumentService(
            store: store, files: fileStore, rules: rules, events: events, clock: clock, limit: config.docNumLimit,
            requireExpiry: config.requiredDocsExpire, maxBytes: config.uploadMaxBytes, salt: config.crc32Salt,
            kycaid: kycaid
        )
        activities = ActivityService(store: store)
        let geetest = config.captcha == .geetest
            ? GeetestVerifier(client: httpClient, apiURL: config.geetestAPIURL, id: config.geetestID, key: config.geetestKey) : nil
        let verifier: (any CaptchaVerifier)? = switch config.captcha {
        case .recaptcha: RecaptchaVerifier(client: httpClient, verifyURL: config.recaptchaVerifyURL, secret: config.recaptchaSecretKey)
        case .geetest: geetest
        case .none: nil
        }
        self.geetest = geetest
        captcha = CaptchaGuard(kind: config.captcha, protectedEndpoints: config.captchaProtectedEndpoints, verifier: verifier)
        let sinks = Self.eventSinks(config: config, mailer: mailer, signer: serverSigner, client: httpClient, kycaid: kycaidSink,
                                    clock: clock)
        outbox = OutboxWorker(store: store, sinks: sinks, clock: clock, logger: logger, maxDelay: config.outboxMaxRetryDelay,
                              lease: config.outboxLease)
        renderer = EntityRenderer(maskingEnabled: config.apiDataMaskingEnabled)
        tokens = try await AccessTokenVerifier.make(privateKeyPEM: privateKeyPEM)
        cookie = SessionCookie(name: config.sessionName)
        clientResolver = ClientResolver(trusted: .forConfig(config), geo: geo, akamai: config.gateway == .akamai)
        gateway = GatewayCall(authorize: authorize, restrictions: restrictions, logger: logger)
        self.abilities = try abilities ?? AbilityTable.defaults()
        adminUsers = AdminUserService(store: store, rules: rules, abilities: self.abilities, clock: clock)
        adminLabels = AdminLabelService(store: store, rules: rules, events: events, clock: clock)
        adminComments = AdminCommentService(store: store, clock: clock)
        adminPermissions = PermissionAdminService(store: store, clock: clock)
        adminRestrictions = RestrictionAdminService(store: store, whitelist: whitelist, clock: clock)
        adminProfiles = AdminProfileService(
            store: store, profiles: profiles, rules: rules, events: events, clock: clock,
            doubleVerification: config.profileDoubleVerification, verificationRoles: config.profileVerificationRoles
        )
        adminReports = AdminReports(store: store)
        consoleSessions = ConsoleSessionService(store: store, clock: clock, login: login, throttle: throttle,
                                                abilities: self.abilities, idleTimeout: config.adminConsoleIdleTimeout)
        consoleDashboard = ConsoleDashboard(store: store, clock: clock)
        consoleRenderer = try ConsoleRenderer(appName: config.appName)
        files = fileStore
        managementGate = ManagementGate(
            config: management?.config, verifier: management?.keychain ?? ManagementKeychain(keys: [:]), store: store, clock: clock,
            requireExp: config.managementAPIRequireExp, lowSOnly: config.managementAPILowSOnly
        )
        managementUsers = ManagementUserService(
            store: store, hasher: hasher, policy: policy, uids: UIDGenerator(prefix: config.uidPrefix), rules: rules,
            profiles: profiles, documents: documents, clock: clock, salt: config.crc32Salt
        )
        managementAccounts = ManagementAccountService(store: store, clock: clock)
        managementPhones = ManagementPhoneService(store: store, clock: clock, salt: config.crc32Salt)
        managementAPIKeys = ManagementAPIKeyService(store: store, box: secretBox, clock: clock, uidPrefix: config.uidPrefix,
                                                    forUsers: config.mgnAPIKeysUser, forServiceAccounts: config.mgnAPIKeysSA)
        managementOTP = ManagementOTPService(store: store, otp: otp, signer: serverSigner)
    }
}
