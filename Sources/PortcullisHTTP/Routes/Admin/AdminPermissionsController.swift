import Hummingbird
import PortcullisCore

/// `admin/permissions` (api-admin.md §A3).
struct AdminPermissionsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("", use: list)
        group.post("", use: create)
        group.put("", use: update)
        group.delete("", use: delete)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "permission")
        let page = params.page()
        try params.finish()
        try services.require(.read, "Permission", caller)
        let (rows, total) = try await services.adminPermissions.list(page: page)
        return Responses.page(rows.map(services.adminRenderer.permission), total: total, page: page)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "permission")
        let role = params.required("role")
        let verb = params.required("verb")
        let path = params.required("path")
        let action = params.required("action")
        let topic = params.optionalNonBlank("topic")
        try params.finish()
        try services.require(.create, "Permission", caller)
        try await services.adminPermissions.create(role: role, verb: verb, path: path, action: action, topic: topic)
        return Responses.ok200()
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "permission")
        let id = params.requiredInteger("id")
        let fields = PermissionAdminService.Fields(
            role: params.optionalNonBlank("role"), verb: params.optionalNonBlank("verb"), path: params.optionalNonBlank("path"),
            action: params.optionalNonBlank("action"), topic: params.optionalNonBlank("topic")
        )
        try params.finish()
        try services.require(.update, "Permission", caller)
        try await services.adminPermissions.update(id: id, fields)
        return Responses.ok200()
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "permission")
        let id = params.requiredInteger("id")
        try params.finish()
        try services.require(.destroy, "Permission", caller)
        try await services.adminPermissions.delete(id: id)
        return Responses.ok200()
    }
}
