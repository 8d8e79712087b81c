import Hummingbird
import PortcullisCore

/// Issue 21: the operators' console under `/admin/` (outside the API's
/// prefix, so a deployment can route it apart or not at all). Sign-in and
/// the assets are open; everything else needs a console session and
/// declares its gate where it is registered (ConsoleRoutes).
func addConsoleRoutes(to router: Router<PortcullisContext>, services: Services) {
    let open = router.group("/admin").add(middleware: ParamsMiddleware.standard)
    ConsoleAssets.addRoutes(to: open)
    ConsoleSignInController(sessions: services.consoleSessions, renderer: services.consoleRenderer).addRoutes(to: open)
    let routes = ConsoleRoutes(
        group: router.group("/admin").add(middleware: ParamsMiddleware.standard)
            .add(middleware: ConsoleAuthMiddleware(sessions: services.consoleSessions)),
        kit: ConsoleKit(renderer: services.consoleRenderer, abilities: services.abilities, permissions: services.permissionGate)
    )
    ConsoleSignInController.addSignOut(to: routes, sessions: services.consoleSessions)
    ConsoleDashboardController(dashboard: services.consoleDashboard).addRoutes(to: routes)
    ConsoleUsersController(users: services.adminUsers, reports: services.adminReports, sessionList: services.sessionList,
                           files: services.files, store: services.store, abilities: services.abilities).addRoutes(to: routes)
    ConsoleUserActionsController(users: services.adminUsers, labels: services.adminLabels, comments: services.adminComments,
                                 sessionList: services.sessionList).addRoutes(to: routes)
    ConsoleKYCController(users: services.adminUsers, labels: services.adminLabels, profiles: services.adminProfiles)
        .addRoutes(to: routes)
    ConsoleAccessController(permissions: services.adminPermissions, restrictions: services.adminRestrictions,
                            abilities: services.abilities).addRoutes(to: routes)
    ConsoleActivityController(reports: services.adminReports).addRoutes(to: routes)
}
