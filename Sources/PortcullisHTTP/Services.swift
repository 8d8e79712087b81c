import PortcullisCore

/// Every service the routes use, built once by `buildApplication`.
public struct Services: Sendable {
    let config: Config
    let store: any Store
    let clock: any Clock
    let policy: PasswordPolicy
    let sessions: SessionService
    let login: LoginService
    let signup: SignupService
    let accounts: AccountService
    let activities: ActivityService
    let renderer: EntityRenderer
    let tokens: AccessTokenVerifier
    let cookie: SessionCookie

    public init(config: Config, store: any Store, hasher: any PasswordHasher, privateKeyPEM: String, clock: any Clock = SystemClock()) async throws {
        self.config = config
        self.store = store
        self.clock = clock
        policy = try PasswordPolicy(config: config)
        let rules = UserStatusRules(activationRequirements: config.activationRequirements)
        let cache = AuthCache(ttl: config.authCacheTTL, clock: clock)
        store.addCommitObserver(cache)
        sessions = SessionService(store: store, clock: clock, cache: cache, expireTime: config.sessionExpireTime)
        login = LoginService(store: store, hasher: hasher, sessions: sessions, clock: clock)
        signup = SignupService(
            store: store, hasher: hasher, sessions: sessions, policy: policy, uids: UIDGenerator(prefix: config.uidPrefix),
            rules: rules, clock: clock, firstRegistrationSuperadmin: config.firstRegistrationSuperadmin
        )
        accounts = AccountService(store: store, hasher: hasher, policy: policy, rules: rules, clock: clock, cache: cache)
        activities = ActivityService(store: store)
        renderer = EntityRenderer(maskingEnabled: config.apiDataMaskingEnabled)
        tokens = try await AccessTokenVerifier.make(privateKeyPEM: privateKeyPEM)
        cookie = SessionCookie(name: config.sessionName)
    }
}
