import Hummingbird
import PortcullisCore

/// `resource/sessions`: the caller's own sessions.
struct UserSessionsController {
    let sessionList: SessionListService
    let cookie: SessionCookie

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.delete("", use: endOthers)
        group.delete(":id", use: end)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let sessions = try await sessionList.list(for: caller.user)
        return Responses.json(SessionEntity.list(sessions, current: caller.session?.idHash))
    }

    /// Ends one session; the caller's own ends like a logout (its cookie is cleared).
    @Sendable func end(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = context.parameters.get("id") ?? ""
        try await sessionList.end(id, of: caller.user, by: .user(context.client))
        let own = caller.session.map { $0.publicID == id } ?? false
        return Responses.json(.object([]), headers: own ? cookie.clear(secure: context.overHTTPS) : [:])
    }

    /// Ends every session but the caller's.
    @Sendable func endOthers(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let ended = try await sessionList.endAll(of: caller.user, keeping: caller.session?.idHash, by: .user(context.client))
        return Responses.json(.object([("ended", .int(ended))]))
    }
}
