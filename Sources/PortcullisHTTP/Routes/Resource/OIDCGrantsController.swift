import Hummingbird
import PortcullisCore

/// `resource/oidc/grants`: the apps the caller let sign them in, and withdrawing one.
struct OIDCGrantsController {
    let grants: OIDCGrantService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.delete(":client_id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        return Responses.json(.array(try await grants.list(for: caller.user).map { grant in
            .object([
                ("client_id", .string(grant.clientID)), ("client_name", .string(grant.clientName)),
                ("scopes", .array(grant.scopes.map { .string($0) })),
                ("created_at", .string(Timestamp.iso8601(grant.createdAt))),
                ("updated_at", .string(Timestamp.iso8601(grant.updatedAt))),
            ])
        }))
    }

    /// 200 `{}`; the client's tokens for the caller end too.
    @Sendable func revoke(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await grants.revoke(context.parameters.get("client_id") ?? "", of: caller.user, client: context.client)
        return Responses.json(.object([]))
    }
}
