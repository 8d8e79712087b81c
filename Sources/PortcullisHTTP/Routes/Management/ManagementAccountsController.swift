import Hummingbird
import PortcullisCore

/// Management `service_accounts…`.
struct ManagementAccountsController {
    let accounts: ManagementAccountService
    let renderer: EntityRenderer

    func addRoutes(to routes: ManagementRoutes) {
        routes.post("service_accounts/get", scope: "read_service_accounts", use: get)
        routes.post("service_accounts/list", scope: "read_service_accounts", use: list)
        routes.post("service_accounts/create", scope: "write_service_accounts", use: create)
        routes.post("service_accounts/update", scope: "write_service_accounts", use: update)
        routes.post("service_accounts/delete", scope: "write_service_accounts", use: delete)
    }

    @Sendable func get(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let chosen = params.exactlyOne(["uid", "email"])
        return {
            let account = try await accounts.find(uid: chosen?.0 == "uid" ? chosen?.1 : nil, email: chosen?.0 == "email" ? chosen?.1 : nil)
            return Responses.json(renderer.serviceAccount(account))
        }
    }

    @Sendable func list(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let ownerUID = params.optional("owner_uid")
        let ownerEmail = params.optional("owner_email")
        let page = params.page()
        return {
            let (rows, total) = try await accounts.list(ownerUID: ownerUID, ownerEmail: ownerEmail, page: page)
            return Responses.page(rows.map(renderer.serviceAccount), total: total, page: page)
        }
    }

    @Sendable func create(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let input = ManagementAccountService.NewAccount(
            role: params.required("service_account_role"), ownerUID: params.optional("owner_uid"),
            uid: params.optional("service_account_uid"), email: params.optional("service_account_email"),
            state: params.optional("service_account_state"), level: params.integer("service_account_level")
        )
        return { Responses.json(renderer.serviceAccount(try await accounts.create(input)), status: .created) }
    }

    @Sendable func update(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        let owner = params.optional("owner_uid")
        return { Responses.json(renderer.serviceAccount(try await accounts.update(uid: uid, ownerUID: owner)), status: .created) }
    }

    @Sendable func delete(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        return { Responses.json(renderer.serviceAccount(try await accounts.disable(uid: uid))) }
    }
}
