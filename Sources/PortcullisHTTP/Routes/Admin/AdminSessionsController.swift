import Hummingbird
import PortcullisCore

/// `admin/users/{uid}/sessions` (account-security.md §S): an operator sees a
/// user's sessions (ability `read User`) and ends them (`update User`).
struct AdminSessionsController {
    let sessionList: SessionListService
    let abilities: AbilityTable

    func addRoutes(to group: CatalogedGroup) {
        group.get(":uid/sessions", use: list)
        group.delete(":uid/sessions", use: endAll)
        group.delete(":uid/sessions/:id", use: end)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try abilities.require(.read, "User", caller)
        let sessions = try await sessionList.list(uid: context.parameters.get("uid") ?? "", admin: caller.user, client: context.client)
        return Responses.json(SessionEntity.list(sessions, current: caller.session?.idHash))
    }

    @Sendable func end(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try abilities.require(.update, "User", caller)
        let target = try await sessionList.target(uid: context.parameters.get("uid") ?? "")
        try await sessionList.end(context.parameters.get("id") ?? "", of: target, by: .admin(caller.user, context.client))
        return Responses.json(.object([]))
    }

    @Sendable func endAll(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try abilities.require(.update, "User", caller)
        let target = try await sessionList.target(uid: context.parameters.get("uid") ?? "")
        let ended = try await sessionList.endAll(of: target, keeping: nil, by: .admin(caller.user, context.client))
        return Responses.json(.object([("ended", .int(ended))]))
    }
}
