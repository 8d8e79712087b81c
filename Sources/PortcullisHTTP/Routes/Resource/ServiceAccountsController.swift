import Hummingbird
import PortcullisCore

/// `resource/service_accounts…`: keys of the caller's
/// service accounts, guarded by the owner's 2FA.
struct ServiceAccountsController {
    let accounts: AccountService
    let apiKeys: APIKeyService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.get("api_keys", use: listKeys)
        group.post("api_keys", use: SensitiveWrite.guarded(createKey))
        group.put("api_keys/:kid", use: SensitiveWrite.guarded(updateKey))
        group.delete("api_keys/:kid", use: SensitiveWrite.guarded(deleteKey))
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let owned = try await apiKeys.serviceAccounts(owner: caller.user)
        let referral = try await accounts.fullInfo(of: caller.user).referralUID
        return Responses.json(.array(owned.map { renderer.serviceAccount($0, owner: caller.user, ownerReferralUID: referral) }))
    }

    /// The account named by `service_account_uid`, which must be the caller's.
    func account(_ params: inout ParamValidator, owner: User) async throws -> ServiceAccount {
        if case .object? = params.params["service_account_uid"] {
            throw APIError(.unprocessable, ErrorKey.ServiceAccount.nonStringUID)
        }
        let uid = params.required("service_account_uid")
        try params.finish()
        return try await apiKeys.serviceAccount(uid: uid, owner: owner)
    }

    @Sendable func listKeys(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceServiceAccount)
        let page = try KeyListParams.read(&params, invalidOrdering: ErrorKey.ServiceAccount.invalidOrdering,
                                          invalidAttribute: ErrorKey.ServiceAccount.invalidAttribute)
        let account = try await account(&params, owner: caller.user)
        let result = try await apiKeys.list(for: .serviceAccount(account), page: page)
        return Responses.json(.array(result.rows.map { renderer.apiKey($0) }),
                              headers: KeyListParams.headers(total: result.total, page: page))
    }

    @Sendable func createKey(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceServiceAccount)
        let algorithm = params.required("algorithm")
        let scope = params.optionalNonBlank("scope")
        let account = try await account(&params, owner: caller.user)
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .serviceAccountKeyCreate, session: caller.session, keys: .serviceAccounts, client: context.client)
        let created = try await apiKeys.create(
            for: .serviceAccount(account), algorithm: algorithm, scope: scope, owner: caller.user, client: context.client
        )
        return Responses.secretJSON(renderer.apiKey(created.key, secret: created.secret), status: .created)
    }

    @Sendable func updateKey(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceServiceAccount)
        let scope = params.optionalNonBlank("scope")
        let state = params.optionalNonBlank("state")
        let account = try await account(&params, owner: caller.user)
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .serviceAccountKeyUpdate, session: caller.session, keys: .serviceAccounts, client: context.client)
        let key = try await apiKeys.update(
            for: .serviceAccount(account), kid: context.parameters.get("kid") ?? "", scope: scope, state: state,
            owner: caller.user, client: context.client
        )
        return Responses.json(renderer.apiKey(key))
    }

    @Sendable func deleteKey(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceServiceAccount)
        let account = try await account(&params, owner: caller.user)
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .serviceAccountKeyDelete, session: caller.session, keys: .serviceAccounts, client: context.client)
        try await apiKeys.delete(
            for: .serviceAccount(account), kid: context.parameters.get("kid") ?? "", owner: caller.user, client: context.client
        )
        return Responses.empty(.noContent)
    }
}
