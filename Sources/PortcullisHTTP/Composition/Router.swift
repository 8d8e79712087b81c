import Hummingbird
import Logging
import PortcullisCore

extension Composition {
    /// The router, read as a table: middleware in order (metrics, access log,
    /// errors, CORS, client, restrictions), then each route group with the
    /// services it uses and the gate every route in it passes.
    func buildRouter(catalog: RouteCatalog, metrics: Bool = false) -> Router<PortcullisContext> {
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
        router.add(middleware: ClientMiddleware(resolver: gateway.resolver))
        router.add(middleware: RestrictionMiddleware(restrictions: gateway.restrictions))

        let base = "/api/v2/auth"
        addPublicAndIdentityRoutes(to: router, identity, base: base)
        addResourceRoutes(to: router, resource, base: base)
        addAdminRoutes(to: router, admin, base: base)
        addManagementRoutes(to: router, management, base: base)
        SwaggerController(oidc: config.oidcEnabled).addRoutes(to: router)
        AuthorizeController(cookie: gateway.cookie, gateway: gateway.call)
            .addRoutes(to: router.group(RouterPath(base)).add(middleware: ParamsMiddleware.standard))
        if config.adminConsole { addConsoleRoutes(to: router, console) }
        if config.oidcEnabled { addOIDCRoutes(to: router, oidc, base: base) }
        catalog.record(router)
        return router
    }
}

/// `<base>/public` and `<base>/identity`: open routes, params read with the 64 KiB limit.
private func addPublicAndIdentityRoutes(to router: Router<PortcullisContext>, _ s: IdentityServices, base: String) {
    func group(_ path: String) -> RouterGroup<PortcullisContext> {
        router.group(RouterPath(base + "/" + path)).add(middleware: ParamsMiddleware.standard)
    }
    s.info.addRoutes(to: group("public"), public: true)
    KYCController(kyc: s.kyc).addRoutes(to: group("public"))
    s.info.addRoutes(to: group("identity"), public: false)
    UsersController(captcha: s.captcha, geetestID: s.geetestID, cookie: s.cookie, geetest: s.geetest, renderer: s.renderer,
                    signup: s.signup, whitelist: s.whitelist).addRoutes(to: group("identity/users"))
    EmailController(captcha: s.captcha, confirmations: s.confirmations, cookie: s.cookie, renderer: s.renderer)
        .addRoutes(to: group("identity/users/email"))
    PasswordResetController(captcha: s.captcha, resets: s.resets).addRoutes(to: group("identity/users/password"))
    FreezeController(freeze: s.freeze).addRoutes(to: group("identity/users/freeze"))
    SessionsController(auth0: s.auth0, captcha: s.captcha, cookie: s.cookie, login: s.login, renderer: s.renderer)
        .addRoutes(to: group("identity/sessions"))
    PasskeySessionsController(passkeyLogin: s.passkeyLogin, renderer: s.renderer, cookie: s.cookie)
        .addRoutes(to: group("identity/sessions/passkey"))
}

/// `<base>/resource`: a session or a gateway bearer on every route.
private func addResourceRoutes(to router: Router<PortcullisContext>, _ s: ResourceServices, base: String) {
    // Uploads read bodies up to 10 MiB, every other resource route 64 KiB: two groups on one prefix.
    func group(_ path: String, uploads: Bool = false) -> RouterGroup<PortcullisContext> {
        router.group(RouterPath(base + "/resource"))
            .add(middleware: uploads ? ParamsMiddleware.uploads : ParamsMiddleware.standard)
            .add(middleware: s.auth)
            .group(RouterPath(path))
    }
    MeController(accounts: s.accounts, activities: s.activities, freeze: s.freeze, antiPhishing: s.antiPhishing, meBodies: s.meBodies,
                 renderer: s.renderer)
        .addRoutes(to: group("users"))
    OTPController(otp: s.otp).addRoutes(to: group("otp"))
    DevicesController(devices: s.devices).addRoutes(to: group("devices"))
    OIDCGrantsController(grants: s.oidcGrants).addRoutes(to: group("oidc/grants"))
    APIKeysController(apiKeys: s.apiKeys, renderer: s.renderer).addRoutes(to: group("api_keys"))
    ServiceAccountsController(accounts: s.accounts, apiKeys: s.apiKeys, renderer: s.renderer).addRoutes(to: group("service_accounts"))
    LabelsController(labels: s.labels, renderer: s.renderer).addRoutes(to: group("labels"))
    DataStorageController(dataStorage: s.dataStorage).addRoutes(to: group("data_storage"))
    ProfilesController(profiles: s.profiles, renderer: s.renderer).addRoutes(to: group("profiles"))
    PhonesController(accounts: s.accounts, phones: s.phones, renderer: s.renderer).addRoutes(to: group("phones"))
    DocumentsController(documents: s.documents, renderer: s.renderer).addRoutes(to: group("documents", uploads: true))
    AddressesController(documents: s.documents).addRoutes(to: group("addresses", uploads: true))
    UserSessionsController(sessionList: s.sessionList, cookie: s.cookie).addRoutes(to: group("sessions"))
    PasskeysController(passkeys: s.passkeys, stepUp: s.otp.stepUp).addRoutes(to: group("passkeys"))
}

/// `<base>/admin`: a session or bearer, then the caller's role's abilities.
private func addAdminRoutes(to router: Router<PortcullisContext>, _ s: AdminServices, base: String) {
    let prefix = base + "/admin"
    let admin = router.group(RouterPath(prefix)).add(middleware: ParamsMiddleware.standard).add(middleware: AdminAuthMiddleware(
        authentication: s.auth, gate: s.permissionGate, localPrefix: prefix
    ))
    func routes(_ path: String, resource: String) -> AdminRoutes {
        AdminRoutes(group: path.isEmpty ? admin : admin.group(RouterPath(path)), abilities: s.abilities, resource: resource)
    }
    AdminUsersController(users: s.users, renderer: s.renderer).addRoutes(to: routes("users", resource: "user"))
    AdminSessionsController(sessionList: s.sessionList).addRoutes(to: routes("users", resource: "user"))
    AdminUserLabelsController(users: s.users, labels: s.labels, renderer: s.renderer)
        .addRoutes(to: routes("users/labels", resource: "user"))
    AdminCommentsController(comments: s.comments, renderer: s.renderer).addRoutes(to: routes("users/comments", resource: "user"))
    AdminPermissionsController(permissions: s.permissions, renderer: s.renderer)
        .addRoutes(to: routes("permissions", resource: "permission"))
    AdminRestrictionsController(restrictions: s.restrictions, renderer: s.renderer)
        .addRoutes(to: routes("restrictions", resource: "restriction"))
    AdminProfilesController(profiles: s.profiles, renderer: s.renderer).addRoutes(to: routes("profiles", resource: "profile"))
    AdminReportsController(reports: s.reports, abilities: s.abilities, renderer: s.renderer).addRoutes(to: routes("", resource: "user"))
    AdminOIDCClientsController(clients: s.oidcClients).addRoutes(to: routes("oidc/clients", resource: "oidc_client"))
}

/// `<base>/management`: signed server-to-server calls, each route's signers declared with it.
private func addManagementRoutes(to router: Router<PortcullisContext>, _ s: ManagementServices, base: String) {
    let routes = ManagementRoutes(group: router.group(RouterPath(base + "/management")).add(middleware: ManagementRequestMiddleware()),
                                  gate: s.gate)
    ManagementUsersController(users: s.users, adminUsers: s.adminUsers, renderer: s.renderer, clock: s.clock).addRoutes(to: routes)
    ManagementLabelsController(adminUsers: s.adminUsers, labels: s.adminLabels, renderer: s.renderer).addRoutes(to: routes)
    ManagementOTPController(otp: s.otp).addRoutes(to: routes)
    ManagementAccountsController(accounts: s.accounts, renderer: s.renderer).addRoutes(to: routes)
    ManagementRecordsController(users: s.users, phones: s.phones, apiKeys: s.apiKeys, renderer: s.renderer).addRoutes(to: routes)
}

/// The operators' console under `/admin/` (outside the API's prefix, so a
/// deployment can route it apart or not at all). Sign-in and the assets are
/// open; everything else needs a console session and declares its gate
/// where it is registered (ConsoleRoutes).
private func addConsoleRoutes(to router: Router<PortcullisContext>, _ s: ConsoleServices) {
    let open = router.group("/admin").add(middleware: ParamsMiddleware.standard)
    ConsoleAssets.addRoutes(to: open)
    ConsoleSignInController(sessions: s.sessions, renderer: s.renderer).addRoutes(to: open)
    let routes = ConsoleRoutes(
        group: router.group("/admin").add(middleware: ParamsMiddleware.standard).add(middleware: ConsoleAuthMiddleware(sessions: s.sessions)),
        kit: ConsoleKit(renderer: s.renderer, abilities: s.admin.abilities, permissions: s.admin.permissionGate)
    )
    let admin = s.admin
    ConsoleSignInController.addSignOut(to: routes, sessions: s.sessions)
    ConsoleDashboardController(dashboard: s.dashboard).addRoutes(to: routes)
    ConsoleUsersController(users: admin.users, reports: admin.reports, sessionList: admin.sessionList, files: s.files,
                           abilities: admin.abilities).addRoutes(to: routes)
    ConsoleUserActionsController(users: admin.users, labels: admin.labels, comments: admin.comments, sessionList: admin.sessionList)
        .addRoutes(to: routes)
    ConsoleKYCController(users: admin.users, labels: admin.labels, profiles: admin.profiles).addRoutes(to: routes)
    ConsoleAccessController(permissions: admin.permissions, restrictions: admin.restrictions, abilities: admin.abilities)
        .addRoutes(to: routes)
    ConsoleActivityController(reports: admin.reports).addRoutes(to: routes)
    ConsoleOIDCClientsController(clients: admin.oidcClients, abilities: admin.abilities, enabled: s.oidcEnabled).addRoutes(to: routes)
}

/// `<base>/oidc`: the OpenID Connect provider (only with `oidc_enabled`).
/// Its endpoints answer OAuth's errors, read their own params and gate
/// themselves as the protocol says: a session (or the sign-in hand-off) at
/// authorize, client authentication at token, introspect and revoke, a
/// bearer access token at userinfo; discovery, the JWKS and the
/// stylesheet are open.
private func addOIDCRoutes(to router: Router<PortcullisContext>, _ s: OIDCServices, base: String) {
    let group = router.group(RouterPath(base + "/oidc"))
    OIDCAuthorizeController(authorize: s.authorize, sessions: s.sessions, cookie: s.cookie, pages: s.pages, discovery: s.discovery,
                            jwks: s.jwks, issuer: s.issuer, logout: s.logout).addRoutes(to: group)
    OIDCTokenController(tokens: s.tokens).addRoutes(to: group)
}
