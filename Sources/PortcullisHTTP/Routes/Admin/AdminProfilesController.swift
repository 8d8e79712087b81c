import Hummingbird
import PortcullisCore

/// `admin/profiles` (api-admin.md §A5).
struct AdminProfilesController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("", use: list)
        group.put("", use: update)
        group.post("", use: create)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "profile")
        let page = params.page()
        try params.finish()
        try services.require(.read, "Profile", caller)
        let (rows, total) = try await services.adminProfiles.list(page: page)
        return Responses.page(rows.map(services.adminRenderer.profile), total: total, page: page)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "profile")
        let uid = params.required("uid")
        let state = params.required("state")
        try params.finish()
        try services.require(.update, "Profile", caller)
        let profile = try await services.adminProfiles.setState(uid: uid, state: state, by: caller.user)
        return Responses.json(services.adminRenderer.profile(profile))
    }

    /// Ability create Profile (deliberate difference: Barong checks none).
    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "profile")
        let uid = params.required("uid")
        let names = ["first_name", "last_name", "dob", "address", "postcode", "city", "country"]
        let fields = names.map { params.filter($0) }
        try params.finish()
        try ProfileService.checkDateParam(fields[2], key: ErrorKey.invalid(params.scope, "dob"))
        try services.require(.create, "Profile", caller)
        let input = ProfileInput(firstName: fields[0], lastName: fields[1], dob: fields[2], address: fields[3], postcode: fields[4],
                                 city: fields[5], country: fields[6], metadata: nil, confirm: true)
        let profile = try await services.adminProfiles.create(uid: uid, input, by: caller.user)
        return Responses.json(services.adminRenderer.profile(profile), status: .created)
    }
}
