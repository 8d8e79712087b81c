import Hummingbird
import PortcullisCore

/// `resource/users/…`: the caller's own account.
struct MeController {
    let accounts: AccountService
    let activities: ActivityService
    let freeze: FreezeService
    let antiPhishing: AntiPhishingService
    let meBodies: RenderedBodyCache
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("me", use: show)
        group.put("me", use: update)
        group.delete("me", use: SensitiveWrite.guarded(delete))
        group.put("password", use: SensitiveWrite.guarded(changePassword))
        group.post("freeze", use: freezeAccount)
        group.put("anti_phishing", use: SensitiveWrite.guarded(setAntiPhishing))
        group.delete("anti_phishing", use: SensitiveWrite.guarded(clearAntiPhishing))
        group.get("activity/:topic", use: activity)
    }

    @Sendable func show(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let info = try await accounts.fullInfo(of: caller.user)
        return Responses.json(body: meBodies.body(for: info) { renderer.fullInfo($0) })
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let data = params.required("data")
        try params.finish()
        let info = try await accounts.updateData(of: caller.user, data: data)
        return Responses.json(renderer.fullInfo(info))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let password = params.required("password")
        let otpCode = params.optional("otp_code", keepBlank: true)
        try params.finish()
        try await accounts.delete(user: caller.user, session: caller.session, password: password,
                                  proof: context.params.secondFactor(code: otpCode), client: context.client)
        return Responses.empty(.ok)
    }

    @Sendable func changePassword(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let old = params.required("old_password")
        let new = params.required("new_password")
        let confirm = params.required("confirm_password")
        let otpCode = params.optional("otp_code", keepBlank: true)
        try params.finish()
        try await accounts.changePassword(
            user: caller.user, session: caller.session, old: old, new: new, confirm: confirm,
            proof: context.params.secondFactor(code: otpCode), client: context.client
        )
        return Responses.empty(.created)
    }

    /// `{password}`: the owner freezes the account from a signed-in device
    /// (this session ends with the others). 201 `{}`, also when frozen already.
    @Sendable func freezeAccount(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let password = params.required("password")
        try params.finish()
        try await freeze.freeze(user: caller.user, password: password, client: context.client)
        return Responses.json(.object([]), status: .created)
    }

    /// `{code, password}` (and `otp_code` or `webauthn` with 2FA on): 200 `{}`.
    @Sendable func setAntiPhishing(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let code = params.required("code")
        let password = params.required("password")
        let otpCode = params.optional("otp_code", keepBlank: true)
        try params.finish()
        try await antiPhishing.set(code, for: caller.user, session: caller.session, password: password,
                                   proof: context.params.secondFactor(code: otpCode), client: context.client)
        return Responses.json(.object([]))
    }

    @Sendable func clearAntiPhishing(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceUser)
        let password = params.required("password")
        let otpCode = params.optional("otp_code", keepBlank: true)
        try params.finish()
        try await antiPhishing.clear(for: caller.user, session: caller.session, password: password,
                                     proof: context.params.secondFactor(code: otpCode), client: context.client)
        return Responses.json(.object([]))
    }

    @Sendable func activity(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let filter = try ActivityParams.filter(
            topic: context.parameters.get("topic") ?? "", params: context.params, userID: caller.user.id
        )
        let page = try await activities.list(filter)
        let headers: HTTPFields = [
            .total: String(page.total),
            .page: String(filter.page),
            .perPage: String(filter.limit),
        ]
        return Responses.json(.array(page.rows.map(renderer.activity)), headers: headers)
    }
}
