import Hummingbird
import PortcullisCore

/// What an operator does to one user: state, 2FA, role, sessions, labels,
/// comments. Each route declares the ability and the admin API call it
/// stands for; the work is the admin API's own service call.
struct ConsoleUserActionsController {
    let users: AdminUserService
    let labels: AdminLabelService
    let comments: AdminCommentService
    let sessionList: SessionListService

    func addRoutes(to routes: ConsoleRoutes) {
        routes.action("users/:uid/state", .write(.update, "User", "PUT", "users"), state)
        routes.action("users/:uid/disable_2fa", .write(.update, "User", "PUT", "users"), disable2FA)
        routes.action("users/:uid/role", .write(.update, "User", "POST", "users/role"), role)
        routes.action("users/:uid/end_sessions", .write(.update, "User", "DELETE", "users/{uid}/sessions"), endSessions)
        routes.action("users/:uid/comments", .write(.update, "User", "POST", "users/comments"), comment)
        routes.action("users/:uid/labels", .write(.update, "Label", "POST", "users/labels/update"), saveLabel)
        routes.action("users/:uid/labels/delete", .write(.destroy, "Label", "DELETE", "users/labels"), deleteLabel)
    }

    @Sendable func state(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let state = call.form.text("state") ?? ""
        try await users.update(uid: uid, .state(state), by: call.op.user)
        return ConsoleDone("State of \(uid) set to \(state).")
    }

    @Sendable func disable2FA(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        try await users.update(uid: uid, .otp(false), by: call.op.user)
        return ConsoleDone("2FA of \(uid) disabled; its API keys are off.")
    }

    @Sendable func role(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let role = call.form.text("role") ?? ""
        try await users.setRole(uid: uid, role: role, by: call.op.user)
        return ConsoleDone("Role of \(uid) set to \(role).")
    }

    @Sendable func endSessions(_ call: ConsoleCall) async throws -> ConsoleDone {
        let target = try await sessionList.target(uid: call.path("uid"))
        let ended = try await sessionList.endAll(of: target, keeping: nil, by: .admin(call.op.user, call.client))
        return ConsoleDone("Ended \(ended) session\(ended == 1 ? "" : "s") of \(target.uid).")
    }

    @Sendable func comment(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let title = try call.form.required("title", scope: ErrorKey.Scope.adminComment)
        let data = try call.form.required("data", scope: ErrorKey.Scope.adminComment)
        _ = try await comments.add(uid: uid, title: title, data: data, by: call.op.user)
        return ConsoleDone("Comment added.")
    }

    /// Adds the label or changes its value and description (the API's `users/labels/update` with `replace`).
    @Sendable func saveLabel(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let form = call.form
        let key = try form.required("key", scope: ErrorKey.Scope.adminLabel)
        let value = try form.required("value", scope: ErrorKey.Scope.adminLabel)
        let scope = form.text("scope") ?? "private"
        let saved = try await labels.save(uid: uid, key: key, value: value, scope: scope, description: form.text("description"),
                                          mode: .replace(true), by: call.op.user)
        return ConsoleDone("Label \(saved.key) (\(scope)) is \(saved.value).")
    }

    @Sendable func deleteLabel(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let key = call.form.text("key") ?? ""
        let scope = call.form.text("scope") ?? "private"
        try await labels.delete(uid: uid, key: key, scope: scope, by: call.op.user)
        return ConsoleDone("Label \(key) (\(scope)) removed.")
    }
}
