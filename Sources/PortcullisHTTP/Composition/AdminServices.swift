import PortcullisCore

/// What `admin/*` uses: operators' services over users, labels, comments,
/// permissions, restrictions and profiles, and the ability table gating them.
struct AdminServices: Sendable {
    let auth: ResourceAuthMiddleware
    let abilities: AbilityTable
    let permissionGate: PermissionGate
    let users: AdminUserService
    let labels: AdminLabelService
    let comments: AdminCommentService
    let permissions: PermissionAdminService
    let restrictions: RestrictionAdminService
    let profiles: AdminProfileService
    let reports: AdminReports
    let sessionList: SessionListService
    let oidcClients: OIDCClientService
    /// Admin entities are never masked.
    let renderer = EntityRenderer(maskingEnabled: false)

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices) -> AdminServices {
        let (config, store, clock, abilities) = (inputs.config, inputs.store, inputs.clock, inputs.abilities)
        return AdminServices(
            auth: shared.resourceAuth, abilities: abilities, permissionGate: shared.permissionGate,
            users: AdminUserService(store: store, userWriter: shared.userWriter, abilities: abilities, clock: clock),
            labels: AdminLabelService(store: store, userWriter: shared.userWriter, events: shared.events, clock: clock),
            comments: AdminCommentService(store: store, clock: clock),
            permissions: PermissionAdminService(store: store, clock: clock),
            restrictions: RestrictionAdminService(store: store, whitelist: shared.whitelist, clock: clock),
            profiles: AdminProfileService(
                store: store, profiles: shared.kyc.profiles, userWriter: shared.userWriter, events: shared.events, clock: clock,
                doubleVerification: config.profileDoubleVerification, verificationRoles: config.profileVerificationRoles
            ),
            reports: AdminReports(store: store), sessionList: shared.sessionList,
            oidcClients: OIDCClientService(store: store, clock: clock)
        )
    }
}

/// What the operators' console under `/admin/` uses: its own sign-in and
/// dashboard, the admin services, and the uploaded files it shows.
struct ConsoleServices: Sendable {
    let sessions: ConsoleSessionService
    let dashboard: ConsoleDashboard
    let renderer: ConsoleRenderer
    let admin: AdminServices
    let files: UploadedFiles
    let oidcEnabled: Bool

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices, admin: AdminServices) throws -> ConsoleServices {
        ConsoleServices(
            sessions: ConsoleSessionService(store: inputs.store, clock: inputs.clock, login: shared.login, throttle: shared.throttle,
                                            abilities: inputs.abilities, idleTimeout: inputs.config.adminConsoleIdleTimeout),
            dashboard: ConsoleDashboard(store: inputs.store, clock: inputs.clock),
            renderer: try ConsoleRenderer(appName: inputs.config.appName),
            admin: admin, files: UploadedFiles(files: inputs.files, store: inputs.store), oidcEnabled: inputs.config.oidcEnabled
        )
    }
}
