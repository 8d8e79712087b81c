import Hummingbird
import PortcullisCore

/// `admin/permissions`.
struct AdminPermissionsController {
    let permissions: PermissionAdminService
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("Permission"), use: list)
        routes.post("", .create("Permission"), use: create)
        routes.put("", .update("Permission"), use: update)
        routes.delete("", .destroy("Permission"), use: delete)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let page = params.page()
        return { _ in
            let (rows, total) = try await permissions.list(page: page)
            return Responses.page(rows.map(renderer.permission), total: total, page: page)
        }
    }

    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let role = params.required("role")
        let verb = params.required("verb")
        let path = params.required("path")
        let action = params.required("action")
        let topic = params.optionalNonBlank("topic")
        return { _ in
            try await permissions.create(role: role, verb: verb, path: path, action: action, topic: topic)
            return Responses.ok200()
        }
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        let fields = PermissionAdminService.Fields(
            role: params.optionalNonBlank("role"), verb: params.optionalNonBlank("verb"), path: params.optionalNonBlank("path"),
            action: params.optionalNonBlank("action"), topic: params.optionalNonBlank("topic")
        )
        return { _ in
            try await permissions.update(id: id, fields)
            return Responses.ok200()
        }
    }

    @Sendable func delete(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        return { _ in
            try await permissions.delete(id: id)
            return Responses.ok200()
        }
    }
}
