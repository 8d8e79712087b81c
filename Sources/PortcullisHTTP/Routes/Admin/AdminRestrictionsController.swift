import Hummingbird
import PortcullisCore

/// `admin/restrictions`.
struct AdminRestrictionsController {
    let restrictions: RestrictionAdminService
    let renderer: EntityRenderer
    typealias Rules = RestrictionAdminService

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("Restriction"), use: list)
        routes.post("", .create("Restriction"), use: create)
        routes.put("", .update("Restriction"), use: update)
        routes.delete("", .destroy("Restriction"), use: delete)
        routes.post("whitelink", .create("Restriction"), use: whitelink)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        var filter = RestrictionFilter()
        filter.scope = params.choice("scope", Rules.scopes, failKey: ErrorKey.Admin.restrictionInvalidScope)
        filter.category = params.choice("category", Rules.categories, failKey: ErrorKey.Admin.restrictionInvalidCategory)
        filter.window = params.window(rangeKey: ErrorKey.Admin.restrictionInvalidRange)
        filter.page = params.page()
        let query = filter
        return { _ in
            let (rows, total) = try await restrictions.list(query)
            return Responses.page(rows.map(renderer.restriction), total: total, page: query.page)
        }
    }

    /// The enumerations and code of a create or update, every failure reported together.
    private static func fields(_ params: inout AdminParams, required: Bool) -> Rules.Fields {
        let scope = required ? params.required("scope") : params.optionalNonBlank("scope")
        let value = required ? params.required("value") : params.optionalNonBlank("value")
        let category = required ? params.required("category") : params.optionalNonBlank("category")
        let state = params.optionalNonBlank("state")
        let code = params.integer("code")
        if let scope, !scope.isEmpty, !Rules.scopes.contains(scope) { params.fail(ErrorKey.Admin.restrictionInvalidScope) }
        if let category, !category.isEmpty, !Rules.categories.contains(category) { params.fail(ErrorKey.Admin.restrictionInvalidCategory) }
        if let state, !Rules.states.contains(state) { params.fail(ErrorKey.Admin.restrictionInvalidState) }
        return Rules.Fields(scope: scope, category: category, value: value, state: state, code: code)
    }

    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let fields = Self.fields(&params, required: true)
        return { _ in
            try await restrictions.create(scope: fields.scope ?? "", category: fields.category ?? "", value: fields.value ?? "",
                                          state: fields.state ?? "enabled", code: fields.code)
            return Responses.ok200()
        }
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        let fields = Self.fields(&params, required: false)
        return { _ in
            try await restrictions.update(id: id, fields)
            return Responses.ok200()
        }
    }

    @Sendable func delete(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        return { _ in
            try await restrictions.delete(id: id)
            return Responses.ok200()
        }
    }

    /// `expire_time` 1…30 (default 1) `day`s or `hour`s; Barong's bare keys.
    @Sendable func whitelink(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        var expire = 1
        if let text = params.filter("expire_time") {
            if let value = Int(text), (1...30).contains(value) { expire = value } else { params.fail(ErrorKey.Admin.invalidExpire) }
        }
        let range = params.choice("range", ["day", "hour"], failKey: ErrorKey.Admin.invalidRange) ?? "day"
        let ttl = Int64(expire) * (range == "hour" ? 3_600 : 86_400)
        return { _ in
            let token = try await restrictions.whitelink(ttlSeconds: ttl)
            return Responses.json(.object([("whitelink_token", .string(token.value))]), status: .created)
        }
    }
}
