import Hummingbird
import PortcullisCore

/// `admin/restrictions` (api-admin.md §A4).
struct AdminRestrictionsController {
    let services: Services
    typealias Rules = RestrictionAdminService

    func addRoutes(to group: CatalogedGroup) {
        group.get("", use: list)
        group.post("", use: create)
        group.put("", use: update)
        group.delete("", use: delete)
        group.post("whitelink", use: whitelink)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "restriction")
        var filter = RestrictionFilter()
        filter.scope = params.choice("scope", Rules.scopes, failKey: "admin.restriction.invalid_scope")
        filter.category = params.choice("category", Rules.categories, failKey: "admin.restriction.invalid_category")
        filter.window = params.window(rangeKey: "admin.restriction.invalid_range")
        filter.page = params.page()
        try params.finish()
        try services.require(.read, "Restriction", caller)
        let (rows, total) = try await services.adminRestrictions.list(filter)
        return Responses.page(rows.map(services.adminRenderer.restriction), total: total, page: filter.page)
    }

    /// The enumerations and code of a create or update, every failure reported together.
    private static func fields(_ params: inout AdminParams, required: Bool) -> Rules.Fields {
        let scope = required ? params.required("scope") : params.optionalNonBlank("scope")
        let value = required ? params.required("value") : params.optionalNonBlank("value")
        let category = required ? params.required("category") : params.optionalNonBlank("category")
        let state = params.optionalNonBlank("state")
        let code = params.integer("code")
        if let scope, !scope.isEmpty, !Rules.scopes.contains(scope) { params.fail("admin.restriction.invalid_scope") }
        if let category, !category.isEmpty, !Rules.categories.contains(category) { params.fail("admin.restriction.invalid_category") }
        if let state, !Rules.states.contains(state) { params.fail("admin.restriction.invalid_state") }
        return Rules.Fields(scope: scope, category: category, value: value, state: state, code: code)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "restriction")
        let fields = Self.fields(&params, required: true)
        try params.finish()
        try services.require(.create, "Restriction", caller)
        try await services.adminRestrictions.create(
            scope: fields.scope ?? "", category: fields.category ?? "", value: fields.value ?? "",
            state: fields.state ?? "enabled", code: fields.code
        )
        return Responses.ok200()
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "restriction")
        let id = params.requiredInteger("id")
        let fields = Self.fields(&params, required: false)
        try params.finish()
        try services.require(.update, "Restriction", caller)
        try await services.adminRestrictions.update(id: id, fields)
        return Responses.ok200()
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "restriction")
        let id = params.requiredInteger("id")
        try params.finish()
        try services.require(.destroy, "Restriction", caller)
        try await services.adminRestrictions.delete(id: id)
        return Responses.ok200()
    }

    /// `expire_time` 1…30 (default 1) `day`s or `hour`s; Barong's bare keys.
    @Sendable func whitelink(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "restriction")
        var expire = 1
        if let text = params.filter("expire_time") {
            if let value = Int(text), (1...30).contains(value) { expire = value } else { params.fail(ErrorKey.Admin.invalidExpire) }
        }
        let range = params.choice("range", ["day", "hour"], failKey: ErrorKey.Admin.invalidRange) ?? "day"
        try params.finish()
        try services.require(.create, "Restriction", caller)
        let token = try await services.adminRestrictions.whitelink(ttlSeconds: Int64(expire) * (range == "hour" ? 3_600 : 86_400))
        return Responses.json(.object([("whitelink_token", .string(token.value))]), status: .created)
    }
}
