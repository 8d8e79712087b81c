import Hummingbird
import PortcullisCore

/// `/admin/access`: the gateway permission table and the restrictions.
/// A restriction change that would refuse the operator's own address asks
/// first (`ConsoleConfirmation`), naming the address.
struct ConsoleAccessController {
    let permissions: PermissionAdminService
    let restrictions: RestrictionAdminService
    let abilities: AbilityTable
    typealias Rules = RestrictionAdminService

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("access", .read("Restriction", "restrictions"), show)
        routes.action("access/permissions", .write(.create, "Permission", "POST", "permissions"), createPermission)
        routes.action("access/permissions/:id", .write(.update, "Permission", "PUT", "permissions"), updatePermission)
        routes.action("access/permissions/:id/delete", .write(.destroy, "Permission", "DELETE", "permissions"), deletePermission)
        routes.action("access/restrictions", .write(.create, "Restriction", "POST", "restrictions"), createRestriction)
        routes.action("access/restrictions/:id", .write(.update, "Restriction", "PUT", "restrictions"), updateRestriction)
        routes.action("access/restrictions/:id/delete", .write(.destroy, "Restriction", "DELETE", "restrictions"), deleteRestriction)
    }

    static let verbs = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "ALL"]
    static let actions = ["ACCEPT", "DROP", "AUDIT"]

    @Sendable func show(_ call: ConsoleCall) async throws -> ConsolePage {
        let role = call.op.user.role
        var filter = RestrictionFilter()
        filter.page = PageRequest(page: 1, limit: 1_000)
        let rows = try await restrictions.list(filter).rows
        let canPermissions = abilities.can(.read, "Permission", role: role)
        let perms = canPermissions ? try await permissions.list(page: PageRequest(page: 1, limit: 1_000)).rows : []
        let roles = ["member"] + abilities.roles
        return ConsolePage(template: "access", title: "Permissions & restrictions", data: [
            "address": call.client.ip,
            "canPermissions": canPermissions, "editPermissions": abilities.can(.update, "Permission", role: role),
            "editRestrictions": abilities.can(.update, "Restriction", role: role),
            "permissions": perms.map { record -> [String: Any] in
                let p = record.permission
                return ["id": record.id, "role": p.role, "path": p.path, "topic": p.topic ?? "",
                        "verbs": ConsoleView.options(Self.verbs, selected: p.verb),
                        "actions": ConsoleView.options(Self.actions, selected: p.action)]
            },
            "restrictions": rows.map { r -> [String: Any] in
                ["id": r.id, "scope": r.restriction.scope, "category": r.restriction.category, "value": r.restriction.value,
                 "code": r.restriction.code, "state": r.state, "enabled": r.state == "enabled",
                 "toggle": r.state == "enabled" ? "disabled" : "enabled", "toggleLabel": r.state == "enabled" ? "Disable" : "Enable"]
            },
            "roles": ConsoleView.options(roles, selected: nil), "verbs": ConsoleView.options(Self.verbs, selected: "GET"),
            "actions": ConsoleView.options(Self.actions, selected: "ACCEPT"),
            "scopes": ConsoleView.options(Rules.scopes, selected: "ip"),
            "categories": ConsoleView.options(Rules.categories, selected: "blacklist"),
        ], wide: true)
    }

    private func id(_ call: ConsoleCall) throws -> Int64 {
        guard let id = Int64(call.path("id")), id > 0 else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        return id
    }

    @Sendable func createPermission(_ call: ConsoleCall) async throws -> ConsoleDone {
        let form = call.form
        let scope = ErrorKey.Scope.adminPermission
        let role = try form.required("role", scope: scope), verb = try form.required("verb", scope: scope)
        let path = try form.required("path", scope: scope), action = try form.required("action", scope: scope)
        try await permissions.create(role: role, verb: verb, path: path, action: action, topic: form.text("topic"))
        return ConsoleDone("Permission \(action) \(verb) \(path) for \(role) added.")
    }

    @Sendable func updatePermission(_ call: ConsoleCall) async throws -> ConsoleDone {
        let form = call.form
        let id = try id(call)
        try await permissions.update(id: id, .init(role: nil, verb: form.text("verb"), path: form.text("path"),
                                                   action: form.text("action"), topic: form.text("topic")))
        return ConsoleDone("Permission \(id) saved.")
    }

    @Sendable func deletePermission(_ call: ConsoleCall) async throws -> ConsoleDone {
        let id = try id(call)
        try await permissions.delete(id: id)
        return ConsoleDone("Permission \(id) deleted.")
    }

    @Sendable func createRestriction(_ call: ConsoleCall) async throws -> ConsoleDone {
        let form = call.form
        let scope = ErrorKey.Scope.adminRestriction
        let (s, c, v) = (try form.required("scope", scope: scope), try form.required("category", scope: scope),
                         try form.required("value", scope: scope))
        let code = form.int("code", in: 100...599)
        try await confirmUnlessSafe(call, .create(Restriction(category: c, scope: s, value: v, code: code ?? 403), state: "enabled"))
        try await restrictions.create(scope: s, category: c, value: v, state: "enabled", code: code)
        return ConsoleDone("Restriction \(c) \(s) \(v) added.")
    }

    @Sendable func updateRestriction(_ call: ConsoleCall) async throws -> ConsoleDone {
        let form = call.form
        let id = try id(call)
        let fields = Rules.Fields(scope: form.text("scope"), category: form.text("category"), value: form.text("value"),
                                  state: form.text("state"), code: form.int("code", in: 100...599))
        if let state = fields.state, !Rules.states.contains(state) { throw APIError(.unprocessable, ErrorKey.Admin.restrictionInvalidState) }
        try await confirmUnlessSafe(call, .update(id, fields))
        try await restrictions.update(id: id, fields)
        return ConsoleDone("Restriction \(id) saved.")
    }

    @Sendable func deleteRestriction(_ call: ConsoleCall) async throws -> ConsoleDone {
        let id = try id(call)
        try await confirmUnlessSafe(call, .delete(id))
        try await restrictions.delete(id: id)
        return ConsoleDone("Restriction \(id) deleted.")
    }

    /// Asks first when the change would lock the operator's address out, unless the form says it was asked.
    private func confirmUnlessSafe(_ call: ConsoleCall, _ proposal: Rules.Proposal) async throws {
        guard call.form.text("confirm") != "yes", try await restrictions.locksOut(call.client, proposal) else { return }
        throw ConsoleConfirmation(
            warning: "This change would refuse your own address \(call.client.ip): you could not sign in again from here. "
                + "Save it anyway?"
        )
    }
}
