import Hummingbird
import PortcullisCore

/// `admin/users…` (api-admin.md §A2) except labels and comments.
struct AdminUsersController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("", use: list)
        group.put("", use: update)
        group.post("update", use: updateStateOrOTP)
        group.post("role", use: role)
        group.get("documents/pending", use: pendingDocuments)
        group.delete("data_storage", use: deleteDataStorage)
        group.get(":uid", use: show)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let extended = params.boolean("extended", default: false, failKey: "admin.user.non_boolean_extended")
        var filter = Self.filter(&params)
        let ordering = params.choice("ordering", ["asc", "desc"], failKey: "user.ordering.invalid_ordering") ?? "asc"
        let orderBy = params.filter("order_by") ?? "id"
        if !UserFilter.sortableColumns.contains(orderBy) { params.fail("user.ordering.invalid_attribute") }
        filter.page = params.page()
        try params.finish()
        try services.require(.read, "User", caller)
        filter.orderBy = orderBy
        filter.ascending = ordering == "asc"
        let (rows, total) = try await services.adminUsers.list(filter, profiles: extended)
        return Responses.page(rows.map { services.adminRenderer.listedUser($0, profiles: extended) }, total: total, page: filter.page)
    }

    @Sendable func pendingDocuments(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let extended = params.boolean("extended", default: false, failKey: "admin.user.non_boolean_extended")
        var filter = Self.filter(&params)
        // Accepted and ignored, as Barong.
        _ = (params.filter("first_name"), params.filter("last_name"))
        filter.page = params.page()
        try params.finish()
        try services.require(.read, "User", caller)
        filter.pendingDocuments = true
        let (rows, total) = try await services.adminUsers.list(filter, kyc: extended)
        return Responses.page(rows.map { services.adminRenderer.listedUser($0, profiles: false) }, total: total, page: filter.page)
    }

    /// The filters GET users and documents/pending share.
    static func filter(_ params: inout AdminParams) -> UserFilter {
        var filter = UserFilter()
        filter.uid = params.filter("uid")
        filter.email = params.filter("email")?.lowercased()
        filter.role = params.filter("role")
        filter.country = params.filter("country")
        filter.level = params.integer("level")
        filter.state = params.filter("state")
        filter.window = params.window(rangeKey: "admin.user.invalid_range")
        return filter
    }

    @Sendable func show(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try services.require(.read, "User", caller)
        let kyc = try await services.adminUsers.kyc(uid: context.parameters.get("uid") ?? "")
        return Responses.json(services.adminRenderer.userKYC(kyc))
    }

    /// `PUT admin/users`: exactly one of state, otp, email.
    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await change(context, fields: ["state", "otp", "email"], oneOfKey: ErrorKey.Admin.oneOfStateOTPEmail)
    }

    /// `POST admin/users/update`: exactly one of state, otp.
    @Sendable func updateStateOrOTP(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await change(context, fields: ["state", "otp"], oneOfKey: ErrorKey.Admin.oneOfStateOTP)
    }

    private func change(_ context: PortcullisContext, fields: [String], oneOfKey: String) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let given = fields.filter { context.params[$0] != nil }
        var change: AdminUserService.Change?
        if given.count != 1 {
            params.fail(oneOfKey)
        } else if let field = given.first, let value = params.optionalNonBlank(field) {
            switch field {
            case "otp":
                let enabled = params.boolean("otp", default: false, failKey: ErrorKey.invalid(params.scope, "otp"))
                change = .otp(enabled)
            case "email": change = .email(value)
            default: change = .state(value)
            }
        }
        try params.finish()
        try services.require(.update, "User", caller)
        guard let change else { throw APIError(.unprocessable, oneOfKey) }
        try await services.adminUsers.update(uid: uid, change, by: caller.user)
        return Responses.ok200()
    }

    @Sendable func role(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let role = params.required("role")
        try params.finish()
        try services.require(.update, "User", caller)
        try await services.adminUsers.setRole(uid: uid, role: role, by: caller.user)
        return Responses.ok200()
    }

    @Sendable func deleteDataStorage(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let title = params.required("title")
        try params.finish()
        try services.require(.destroy, "User", caller)
        let kyc = try await services.adminUsers.deleteDataStorage(uid: uid, title: title)
        return Responses.json(services.adminRenderer.userKYC(kyc))
    }
}
