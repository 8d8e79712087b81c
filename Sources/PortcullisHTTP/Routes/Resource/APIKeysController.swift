import Hummingbird
import PortcullisCore

/// `resource/api_keys`: 2FA-guarded key management.
struct APIKeysController {
    let apiKeys: APIKeyService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.post("", use: SensitiveWrite.guarded(create))
        group.patch(":kid", use: SensitiveWrite.guarded(update))
        group.delete(":kid", use: SensitiveWrite.guarded(delete))
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceAPIKey)
        let page = try KeyListParams.read(&params, invalidOrdering: ErrorKey.APIKey.invalidOrdering,
                                          invalidAttribute: ErrorKey.APIKey.invalidAttribute)
        let result = try await apiKeys.list(for: .user(caller.user), page: page)
        return Responses.json(.array(result.rows.map { renderer.apiKey($0) }),
                              headers: KeyListParams.headers(total: result.total, page: page))
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceAPIKey)
        let algorithm = params.required("algorithm")
        let scope = params.optionalNonBlank("scope")
        try params.finish()
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .apiKeyCreate, session: caller.session, keys: .apiKeys, client: context.client)
        let created = try await apiKeys.create(
            for: .user(caller.user), algorithm: algorithm, scope: scope, owner: caller.user, client: context.client
        )
        return Responses.secretJSON(renderer.apiKey(created.key, secret: created.secret), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceAPIKey)
        let scope = params.optionalNonBlank("scope")
        let state = params.optionalNonBlank("state")
        try params.finish()
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .apiKeyUpdate, session: caller.session, keys: .apiKeys, client: context.client)
        let key = try await apiKeys.update(
            for: .user(caller.user), kid: context.parameters.get("kid") ?? "", scope: scope, state: state,
            owner: caller.user, client: context.client
        )
        return Responses.json(renderer.apiKey(key))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await apiKeys.guardTOTP(owner: caller.user, proof: context.params.secondFactor(code: context.params.text("totp_code")),
                                      action: .apiKeyDelete, session: caller.session, keys: .apiKeys, client: context.client)
        try await apiKeys.delete(
            for: .user(caller.user), kid: context.parameters.get("kid") ?? "", owner: caller.user, client: context.client
        )
        return Responses.empty(.noContent)
    }
}

/// `ordering`, `order_by`, `page`, `limit` of key lists, and their headers.
enum KeyListParams {
    static func read(_ params: inout ParamValidator, invalidOrdering: String, invalidAttribute: String) throws -> APIKeyPage {
        let ordering = params.optional("ordering", keepBlank: true) ?? "asc"
        if !["asc", "desc"].contains(ordering.lowercased()) { params.fail(invalidOrdering) }
        let orderBy = params.optional("order_by", keepBlank: true) ?? "id"
        if !APIKeyPage.sortableColumns.contains(orderBy) { params.fail(invalidAttribute) }
        let (page, limit) = Pagination.read(&params, maxLimit: 1000)
        try params.finish()
        return APIKeyPage(orderBy: orderBy, ascending: ordering.lowercased() == "asc", page: page, limit: limit)
    }

    static func headers(total: Int, page: APIKeyPage) -> HTTPFields {
        [.total: String(total), .page: String(page.page), .perPage: String(page.limit)]
    }
}

extension Params {
    /// A param's text, or nil when absent or not a string.
    func text(_ name: String) -> String? {
        if case .string(let value)? = self[name] { return value }
        return nil
    }
}
