import Hummingbird
import PortcullisCore

/// `resource/users/…`: the caller's own account (api-resource.md §1).
struct MeController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("me", use: show)
        group.put("me", use: update)
        group.delete("me", use: delete)
        group.put("password", use: changePassword)
        group.get("activity/:topic", use: activity)
    }

    @Sendable func show(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let info = try await services.accounts.fullInfo(of: caller.user)
        return Responses.json(body: services.meBodies.body(for: info) { services.renderer.fullInfo($0) })
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: "resource.user")
        let data = params.required("data")
        try params.finish()
        let info = try await services.accounts.updateData(of: caller.user, data: data)
        return Responses.json(services.renderer.fullInfo(info))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: "resource.user")
        let password = params.required("password")
        let otpCode = params.optional("otp_code", keepBlank: true)
        try params.finish()
        try await services.accounts.delete(user: caller.user, password: password, otpCode: otpCode)
        return Responses.empty(.ok)
    }

    @Sendable func changePassword(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: "resource.user")
        let old = params.required("old_password")
        let new = params.required("new_password")
        let confirm = params.required("confirm_password")
        try params.finish()
        try await services.accounts.changePassword(
            user: caller.user, session: caller.session, old: old, new: new, confirm: confirm, client: context.client
        )
        return Responses.empty(.created)
    }

    @Sendable func activity(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let filter = try ActivityParams.filter(
            topic: context.parameters.get("topic") ?? "", params: context.params, userID: caller.user.id
        )
        let page = try await services.activities.list(filter)
        let headers: HTTPFields = [
            .total: String(page.total),
            .page: String(filter.page),
            .perPage: String(filter.limit),
        ]
        return Responses.json(.array(page.rows.map(services.renderer.activity)), headers: headers)
    }
}
