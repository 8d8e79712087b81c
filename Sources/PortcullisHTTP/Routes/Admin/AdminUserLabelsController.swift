import Hummingbird
import PortcullisCore

/// `admin/users/labels…` (api-admin.md §A2).
struct AdminUserLabelsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("", use: usersWithLabel)
        group.get("list", use: counts)
        group.post("", use: create)
        group.post("update", use: replace)
        group.put("", use: update)
        group.delete("", use: delete)
    }

    @Sendable func usersWithLabel(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let key = params.requiredAllowingBlank("key")
        let value = params.requiredAllowingBlank("value")
        let page = params.page()
        try params.finish()
        try services.require(.read, "User", caller)
        let (rows, total) = try await services.adminUsers.withLabel(LabelFilter(key: key, value: value), page: page)
        return Responses.page(rows.map { services.adminRenderer.listedUser($0, profiles: false) }, total: total, page: page)
    }

    /// D3: keys are the `[key, value]` pair as Ruby prints it.
    @Sendable func counts(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try services.require(.read, "User", caller)
        let counts = try await services.adminUsers.labelCounts()
        return Responses.json(.object(counts.map { ("[\(Self.rubyString($0.key)), \(Self.rubyString($0.value))]", .int($0.count)) }))
    }

    /// Ruby's `String#inspect` for the label alphabet (quotes and backslashes escaped).
    static func rubyString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await save(context, mode: .create)
    }

    /// `POST users/labels/update` (`replace` read with the params).
    @Sendable func replace(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await save(context, mode: .replace(true))
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await save(context, mode: .update)
    }

    /// The three label writes: params in each route's declaration order
    /// (create: uid, key, value, description, scope; the others: uid, key,
    /// scope, value, description[, replace]), then the ability, then the write.
    private func save(_ context: PortcullisContext, mode: AdminLabelService.Mode) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let key = params.required("key")
        var resolved = mode
        let (scope, value, description): (String, String, String?)
        switch mode {
        case .create:
            value = params.required("value")
            description = params.optionalNonBlank("description")
            scope = params.optionalNonBlank("scope") ?? "public"
        case .replace:
            scope = params.required("scope")
            value = params.required("value")
            description = params.optionalNonBlank("description")
            resolved = .replace(params.boolean("replace", default: true, failKey: "admin.user.non_boolean_replace"))
        case .update:
            scope = params.required("scope")
            value = params.required("value")
            description = params.filter("description")
        }
        try params.finish()
        if case .create = mode { try services.require(.create, "Label", caller) } else { try services.require(.update, "Label", caller) }
        _ = try await services.adminLabels.save(uid: uid, key: key, value: value, scope: scope, description: description,
                                                mode: resolved, by: caller.user)
        return Responses.ok200()
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let key = params.required("key")
        let scope = params.required("scope")
        try params.finish()
        try services.require(.destroy, "Label", caller)
        try await services.adminLabels.delete(uid: uid, key: key, scope: scope, by: caller.user)
        return Responses.ok200()
    }
}
