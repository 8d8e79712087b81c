import Hummingbird
import PortcullisCore

/// `admin/users…` except labels and comments.
struct AdminUsersController {
    let users: AdminUserService
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("User"), use: list)
        routes.put("", .update("User"), use: update)
        routes.post("update", .update("User"), use: updateStateOrOTP)
        routes.post("role", .update("User"), use: role)
        routes.get("documents/pending", .read("User"), use: pendingDocuments)
        routes.delete("data_storage", .destroy("User"), use: deleteDataStorage)
        routes.get(":uid", .read("User"), use: show)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let extended = params.boolean("extended", default: false, failKey: ErrorKey.Admin.nonBooleanExtended)
        var filter = Self.filter(&params)
        let ordering = params.choice("ordering", ["asc", "desc"], failKey: ErrorKey.Admin.userInvalidOrdering) ?? "asc"
        let orderBy = params.filter("order_by") ?? "id"
        if !UserFilter.sortableColumns.contains(orderBy) { params.fail(ErrorKey.Admin.userInvalidOrderAttribute) }
        filter.page = params.page()
        filter.orderBy = orderBy
        filter.ascending = ordering == "asc"
        let query = filter
        return { _ in
            let (rows, total) = try await users.list(query, profiles: extended)
            return Responses.page(rows.map { renderer.listedUser($0, profiles: extended) }, total: total, page: query.page)
        }
    }

    @Sendable func pendingDocuments(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let extended = params.boolean("extended", default: false, failKey: ErrorKey.Admin.nonBooleanExtended)
        var filter = Self.filter(&params)
        // Accepted and ignored, as Barong.
        _ = (params.filter("first_name"), params.filter("last_name"))
        filter.page = params.page()
        filter.pendingDocuments = true
        let query = filter
        return { _ in
            let (rows, total) = try await users.list(query, kyc: extended)
            return Responses.page(rows.map { renderer.listedUser($0, profiles: false) }, total: total, page: query.page)
        }
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
        filter.window = params.window(rangeKey: ErrorKey.Admin.userInvalidRange)
        return filter
    }

    @Sendable func show(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = context.parameters.get("uid") ?? ""
        return { _ in Responses.json(renderer.userKYC(try await users.kyc(uid: uid))) }
    }

    /// `PUT admin/users`: exactly one of state, otp, email.
    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        change(&params, fields: ["state", "otp", "email"], oneOfKey: ErrorKey.Admin.oneOfStateOTPEmail)
    }

    /// `POST admin/users/update`: exactly one of state, otp.
    @Sendable func updateStateOrOTP(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        change(&params, fields: ["state", "otp"], oneOfKey: ErrorKey.Admin.oneOfStateOTP)
    }

    private func change(_ params: inout AdminParams, fields: [String], oneOfKey: String) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let given = fields.filter { params.raw[$0] != nil }
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
        let decided = change
        return { caller in
            guard let decided else { throw APIError(.unprocessable, oneOfKey) }
            try await users.update(uid: uid, decided, by: caller.user)
            return Responses.ok200()
        }
    }

    @Sendable func role(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let role = params.required("role")
        return { caller in
            try await users.setRole(uid: uid, role: role, by: caller.user)
            return Responses.ok200()
        }
    }

    @Sendable func deleteDataStorage(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let title = params.required("title")
        return { _ in Responses.json(renderer.userKYC(try await users.deleteDataStorage(uid: uid, title: title))) }
    }
}
