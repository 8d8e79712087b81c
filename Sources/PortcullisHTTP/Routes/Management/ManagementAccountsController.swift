import Hummingbird
import PortcullisCore

/// Management `service_accounts…` (api-admin.md B2).
struct ManagementAccountsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("service_accounts/get", use: get)
        group.post("service_accounts/list", use: list)
        group.post("service_accounts/create", use: create)
        group.post("service_accounts/update", use: update)
        group.post("service_accounts/delete", use: delete)
    }

    @Sendable func get(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_service_accounts")
        let chosen = params.exactlyOne(["uid", "email"])
        try params.finish()
        let account = try await services.managementAccounts.find(uid: chosen?.0 == "uid" ? chosen?.1 : nil,
                                                                 email: chosen?.0 == "email" ? chosen?.1 : nil)
        return Responses.json(services.adminRenderer.serviceAccount(account))
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_service_accounts")
        let ownerUID = params.optional("owner_uid")
        let ownerEmail = params.optional("owner_email")
        let page = params.page()
        try params.finish()
        let (rows, total) = try await services.managementAccounts.list(ownerUID: ownerUID, ownerEmail: ownerEmail, page: page)
        return Responses.page(rows.map(services.adminRenderer.serviceAccount), total: total, page: page)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_service_accounts")
        let input = ManagementAccountService.NewAccount(
            role: params.required("service_account_role"), ownerUID: params.optional("owner_uid"),
            uid: params.optional("service_account_uid"), email: params.optional("service_account_email"),
            state: params.optional("service_account_state"), level: params.integer("service_account_level")
        )
        try params.finish()
        let account = try await services.managementAccounts.create(input)
        return Responses.json(services.adminRenderer.serviceAccount(account), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_service_accounts")
        let uid = params.required("uid")
        let owner = params.optional("owner_uid")
        try params.finish()
        let account = try await services.managementAccounts.update(uid: uid, ownerUID: owner)
        return Responses.json(services.adminRenderer.serviceAccount(account), status: .created)
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_service_accounts")
        let uid = params.required("uid")
        try params.finish()
        let account = try await services.managementAccounts.disable(uid: uid)
        return Responses.json(services.adminRenderer.serviceAccount(account))
    }
}
