import Hummingbird
import PortcullisCore

/// `admin/users/{uid}/sessions`: an operator sees a
/// user's sessions (ability `read User`) and ends them (`update User`).
struct AdminSessionsController {
    let sessionList: SessionListService

    func addRoutes(to routes: AdminRoutes) {
        routes.get(":uid/sessions", .read("User"), use: list)
        routes.delete(":uid/sessions", .update("User"), use: endAll)
        routes.delete(":uid/sessions/:id", .update("User"), use: end)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let (uid, client) = (context.parameters.get("uid") ?? "", context.client)
        return { caller in
            let sessions = try await sessionList.list(uid: uid, admin: caller.user, client: client)
            return Responses.json(SessionEntity.list(sessions, current: caller.session?.idHash))
        }
    }

    @Sendable func end(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let (uid, id, client) = (context.parameters.get("uid") ?? "", context.parameters.get("id") ?? "", context.client)
        return { caller in
            try await sessionList.end(id, of: try await sessionList.target(uid: uid), by: .admin(caller.user, client))
            return Responses.json(.object([]))
        }
    }

    @Sendable func endAll(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let (uid, client) = (context.parameters.get("uid") ?? "", context.client)
        return { caller in
            let ended = try await sessionList.endAll(of: try await sessionList.target(uid: uid), keeping: nil, by: .admin(caller.user, client))
            return Responses.json(.object([("ended", .int(ended))]))
        }
    }
}
