import Hummingbird
import PortcullisCore

/// `/admin/kyc`: documents waiting for review and submitted profiles,
/// oldest first. Approve or reject is one click: a document sets the
/// private `document` label (the local KYC loop: level, state and
/// `system.document.*` follow), a profile its state; then the queue again,
/// whose first row is the next one.
struct ConsoleKYCController {
    let users: AdminUserService
    let labels: AdminLabelService
    let profiles: AdminProfileService

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("kyc", .read("User", "users/documents/pending"), queue)
        routes.action("kyc/:uid/document", .write(.update, "Label", "POST", "users/labels/update"), decideDocument)
        routes.action("kyc/:uid/profile", .write(.update, "Profile", "PUT", "profiles"), decideProfile)
    }

    @Sendable func queue(_ call: ConsoleCall) async throws -> ConsolePage {
        var documents = UserFilter()
        documents.pendingDocuments = true
        documents.page = PageRequest(page: 1, limit: 20)
        let (waiting, waitingTotal) = try await users.list(documents, kyc: true)
        var submitted = UserFilter()
        submitted.submittedProfiles = true
        submitted.page = PageRequest(page: 1, limit: 20)
        let (applicants, applicantsTotal) = try await users.list(submitted, kyc: true)
        return ConsolePage(template: "kyc", title: "KYC queue", data: [
            "documents": waiting.map { row -> [String: Any] in
                var item = ConsoleView.user(row.user)
                item["documents"] = (row.kyc?.documents ?? []).map { ConsoleView.document($0, uid: row.user.uid) }
                return item
            },
            "documentsTotal": waitingTotal,
            "profiles": applicants.map { row -> [String: Any] in
                var item = ConsoleView.user(row.user)
                item["profile"] = (row.kyc?.info.profiles.last(where: { $0.state == "submitted" })).map(ConsoleView.profile) ?? [:]
                return item
            },
            "profilesTotal": applicantsTotal,
        ], wide: true)
    }

    /// `decision`: `verified` or `rejected`.
    private func decision(_ call: ConsoleCall) throws -> String {
        let decision = call.form.text("decision") ?? ""
        guard decision == "verified" || decision == "rejected" else { throw APIError(.unprocessable, ErrorKey.Admin.valueInvalid) }
        return decision
    }

    @Sendable func decideDocument(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let value = try decision(call)
        try await labels.save(uid: uid, key: "document", value: value, scope: "private", description: nil, mode: .replace(true),
                              by: call.op.user)
        return ConsoleDone("Documents of \(uid) \(value).", location: "/admin/kyc")
    }

    @Sendable func decideProfile(_ call: ConsoleCall) async throws -> ConsoleDone {
        let uid = call.path("uid")
        let value = try decision(call)
        _ = try await profiles.setState(uid: uid, state: value, by: call.op.user)
        return ConsoleDone("Profile of \(uid) \(value).", location: "/admin/kyc")
    }
}
