import Hummingbird
import Logging
import PortcullisCore

/// Builds the whole HTTP application: middleware in order (access log,
/// errors, CORS, client and params) and one controller per route group.
public func buildApplication(services: Services, logger: Logger, metrics: MetricsExport? = nil) -> some ApplicationProtocol {
    let config = services.config
    let router = buildRouter(services: services, logger: logger, catalog: RouteCatalog(), metrics: metrics != nil)
    let sweeper = SessionSweeper(store: services.store, clock: services.clock, interval: .seconds(600), logger: logger)
    return Application(
        router: router,
        // One timer closes a connection that sends no complete request head,
        // stalls in its body, or idles between requests (issue 17, defect 8).
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.httpIdleTimeout)))),
        configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: nil),
        services: [sweeper, OutboxService(worker: services.outbox, store: services.store)],
        logger: logger
    )
}

public func buildRouter(services: Services, logger: Logger) -> Router<PortcullisContext> {
    buildRouter(services: services, logger: logger, catalog: RouteCatalog())
}

func buildRouter(services: Services, logger: Logger, catalog: RouteCatalog, metrics: Bool = false) -> Router<PortcullisContext> {
    let config = services.config
    let router = Router(context: PortcullisContext.self)
    // Requests by route and status, with their latency (only when exported).
    if metrics { router.add(middleware: MetricsMiddleware()) }
    // The access log wraps the error middleware so it sees every final status.
    router.add(middleware: AccessLogMiddleware(logger: logger))
    router.add(middleware: ErrorMiddleware(catalog: catalog))
    let origins = config.apiCORSOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    if !origins.isEmpty {
        router.add(middleware: CORSPolicyMiddleware(
            origins: origins, maxAge: config.apiCORSMaxAge, allowCredentials: config.apiCORSAllowCredentials
        ))
    }
    router.add(middleware: ClientMiddleware(resolver: services.clientResolver))
    router.add(middleware: RestrictionMiddleware(restrictions: services.restrictions))

    let base = "/api/v2/auth"
    addPublicAndIdentityRoutes(to: router, services: services, base: base)
    addResourceRoutes(to: router, services: services, base: base)
    addAdminRoutes(to: router, services: services, base: base)
    addManagementRoutes(to: router, services: services, base: base)
    SwaggerController().addRoutes(to: router)
    AuthorizeController(cookie: services.cookie, gateway: services.gateway)
        .addRoutes(to: router.group(RouterPath(base)).add(middleware: ParamsMiddleware.standard))
    if config.adminConsole { addConsoleRoutes(to: router, services: services) }
    catalog.record(router)
    return router
}

/// `<base>/public` and `<base>/identity` (api.md §2), params read with the 64 KiB limit.
private func addPublicAndIdentityRoutes(to router: Router<PortcullisContext>, services: Services, base: String) {
    func group(_ path: String) -> RouterGroup<PortcullisContext> {
        router.group(RouterPath(base + "/" + path)).add(middleware: ParamsMiddleware.standard)
    }
    let info = InfoController(clock: services.clock, config: services.config, jwks: services.jwks, policy: services.policy)
    info.addRoutes(to: group("public"), public: true)
    KYCController(kyc: services.kyc).addRoutes(to: group("public"))
    info.addRoutes(to: group("identity"), public: false)
    UsersController(captcha: services.captcha, geetestID: services.config.geetestID, cookie: services.cookie,
                    geetest: services.geetest, renderer: services.renderer, signup: services.signup, whitelist: services.whitelist)
        .addRoutes(to: group("identity/users"))
    EmailController(captcha: services.captcha, confirmations: services.confirmations, cookie: services.cookie,
                    renderer: services.renderer).addRoutes(to: group("identity/users/email"))
    PasswordResetController(captcha: services.captcha, resets: services.resets).addRoutes(to: group("identity/users/password"))
    SessionsController(auth0: services.auth0, captcha: services.captcha, cookie: services.cookie, login: services.login,
                       renderer: services.renderer).addRoutes(to: group("identity/sessions"))
    PasskeySessionsController(passkeyLogin: services.passkeyLogin, renderer: services.renderer, cookie: services.cookie)
        .addRoutes(to: group("identity/sessions/passkey"))
}

/// `<base>/resource` (api-resource.md): a session or a gateway bearer on every route.
private func addResourceRoutes(to router: Router<PortcullisContext>, services: Services, base: String) {
    // Uploads read bodies up to 10 MiB, every other resource route 64 KiB: two groups on one prefix.
    func group(_ path: String, uploads: Bool = false) -> RouterGroup<PortcullisContext> {
        router.group(RouterPath(base + "/resource"))
            .add(middleware: uploads ? ParamsMiddleware.uploads : ParamsMiddleware.standard)
            .add(middleware: ResourceAuthMiddleware(services: services))
            .group(RouterPath(path))
    }
    let (renderer, accounts) = (services.renderer, services.accounts)
    MeController(accounts: accounts, activities: services.activities, meBodies: services.meBodies, renderer: renderer)
        .addRoutes(to: group("users"))
    OTPController(otp: services.otp).addRoutes(to: group("otp"))
    APIKeysController(apiKeys: services.apiKeys, renderer: renderer).addRoutes(to: group("api_keys"))
    ServiceAccountsController(accounts: accounts, apiKeys: services.apiKeys, renderer: renderer).addRoutes(to: group("service_accounts"))
    LabelsController(labels: services.labels, renderer: renderer).addRoutes(to: group("labels"))
    DataStorageController(dataStorage: services.dataStorage).addRoutes(to: group("data_storage"))
    ProfilesController(profiles: services.profiles, renderer: renderer).addRoutes(to: group("profiles"))
    PhonesController(accounts: accounts, phones: services.phones, renderer: renderer).addRoutes(to: group("phones"))
    DocumentsController(documents: services.documents, renderer: renderer).addRoutes(to: group("documents", uploads: true))
    AddressesController(documents: services.documents).addRoutes(to: group("addresses", uploads: true))
    UserSessionsController(sessionList: services.sessionList, cookie: services.cookie).addRoutes(to: group("sessions"))
    PasskeysController(passkeys: services.passkeys).addRoutes(to: group("passkeys"))
}

/// api-admin.md Part A under `<base>/admin`.
private func addAdminRoutes(to router: Router<PortcullisContext>, services: Services, base: String) {
    let prefix = base + "/admin"
    let admin = router.group(RouterPath(prefix)).add(middleware: ParamsMiddleware.standard).add(middleware: AdminAuthMiddleware(
        authentication: ResourceAuthMiddleware(services: services), gate: services.permissionGate, localPrefix: prefix
    ))
    func routes(_ path: String, resource: String) -> AdminRoutes {
        AdminRoutes(group: path.isEmpty ? admin : admin.group(RouterPath(path)), abilities: services.abilities, resource: resource)
    }
    let renderer = services.adminRenderer
    AdminUsersController(users: services.adminUsers, renderer: renderer).addRoutes(to: routes("users", resource: "user"))
    AdminSessionsController(sessionList: services.sessionList).addRoutes(to: routes("users", resource: "user"))
    AdminUserLabelsController(users: services.adminUsers, labels: services.adminLabels, renderer: renderer)
        .addRoutes(to: routes("users/labels", resource: "user"))
    AdminCommentsController(comments: services.adminComments, renderer: renderer)
        .addRoutes(to: routes("users/comments", resource: "user"))
    AdminPermissionsController(permissions: services.adminPermissions, renderer: renderer)
        .addRoutes(to: routes("permissions", resource: "permission"))
    AdminRestrictionsController(restrictions: services.adminRestrictions, renderer: renderer)
        .addRoutes(to: routes("restrictions", resource: "restriction"))
    AdminProfilesController(profiles: services.adminProfiles, renderer: renderer).addRoutes(to: routes("profiles", resource: "profile"))
    AdminReportsController(reports: services.adminReports, abilities: services.abilities, renderer: renderer)
        .addRoutes(to: routes("", resource: "user"))
}

/// api-admin.md Part B under `<base>/management`: signed server-to-server calls.
private func addManagementRoutes(to router: Router<PortcullisContext>, services: Services, base: String) {
    let prefix = base + "/management"
    let routes = ManagementRoutes(group: router.group(RouterPath(prefix)).add(middleware: ManagementRequestMiddleware()),
                                  gate: services.managementGate)
    let renderer = services.adminRenderer
    ManagementUsersController(users: services.managementUsers, adminUsers: services.adminUsers, renderer: renderer,
                              clock: services.clock).addRoutes(to: routes)
    ManagementLabelsController(adminUsers: services.adminUsers, labels: services.adminLabels, renderer: renderer)
        .addRoutes(to: routes)
    ManagementOTPController(otp: services.managementOTP).addRoutes(to: routes)
    ManagementAccountsController(accounts: services.managementAccounts, renderer: renderer).addRoutes(to: routes)
    ManagementRecordsController(users: services.managementUsers, phones: services.managementPhones, apiKeys: services.managementAPIKeys,
                                renderer: renderer).addRoutes(to: routes)
}
