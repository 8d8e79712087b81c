import Hummingbird
import PortcullisCore

/// `/admin/users` (search and pages) and `/admin/users/:uid` (everything
/// about one user, and their documents' files through a gated route).
struct ConsoleUsersController {
    let users: AdminUserService
    let reports: AdminReports
    let sessionList: SessionListService
    let files: UploadedFiles
    let abilities: AbilityTable

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("users", .read("User", "users"), list)
        routes.page("users/:uid", .read("User", "users/{uid}"), show)
        routes.file("users/:uid/documents/:id", .read("User", "users/{uid}"), document)
    }

    static let states = UserState.allCases.map(\.rawValue)
    static let pageSizes = [25, 50, 100]

    @Sendable func list(_ call: ConsoleCall) async throws -> ConsolePage {
        let form = call.form
        var filter = UserFilter()
        filter.uid = form.text("uid")
        filter.email = form.text("email")?.lowercased()
        filter.username = form.text("username")
        filter.role = form.text("role")
        filter.state = form.text("state").flatMap { Self.states.contains($0) ? $0 : nil }
        filter.level = form.int("level", in: 0...1_000)
        filter.country = form.text("country")?.uppercased()
        filter.window = TimeWindow(from: form.day("created_from"), to: form.day("created_to", endOfDay: true))
        let limit = form.int("limit", in: 1...100).flatMap { Self.pageSizes.contains($0) ? $0 : nil } ?? 25
        filter.page = PageRequest(page: form.int("page", in: 1...PageRequest.maxPage) ?? 1, limit: limit)
        filter.orderBy = "id"
        filter.ascending = false
        let (rows, total) = try await users.list(filter)
        let page = filter.page.page
        let pages = max(1, (total + limit - 1) / limit)
        return ConsolePage(template: "users", title: "Users", data: [
            "users": rows.map { ConsoleView.user($0.user) }, "total": total, "page": page, "pages": pages,
            "prev": page > 1 ? "/admin/users?" + form.query(page: page - 1) as Any : false,
            "next": page < pages ? "/admin/users?" + form.query(page: page + 1) as Any : false,
            "f": ["uid": filter.uid ?? "", "email": filter.email ?? "", "username": filter.username ?? "",
                  "level": filter.level.map(String.init) ?? "", "country": filter.country ?? "",
                  "created_from": form.text("created_from") ?? "", "created_to": form.text("created_to") ?? ""],
            "states": ConsoleView.options(Self.states, selected: filter.state, blank: "any"),
            "roles": ConsoleView.options(roles, selected: filter.role, blank: "any"),
            "limits": ConsoleView.options(Self.pageSizes.map(String.init), selected: String(limit)),
        ], wide: true)
    }

    var roles: [String] { ["member"] + abilities.roles }

    @Sendable func show(_ call: ConsoleCall) async throws -> ConsolePage {
        let uid = call.path("uid")
        let kyc = try await users.kyc(uid: uid)
        let keys = try await reports.apiKeys(uid: uid, page: APIKeyPage(orderBy: "id", ascending: false, page: 1, limit: 50))
        let sessions = try await sessionList.list(uid: uid, admin: call.op.user, client: call.client)
        var filter = AdminActivityFilter()
        filter.uid = uid
        filter.page = PageRequest(page: 1, limit: 20)
        let activity = try await reports.activities(filter)
        let user = kyc.info.user
        let role = call.op.user.role
        let back = "/admin/users/\(uid)"
        return ConsolePage(template: "user", title: user.email, data: [
            "user": ConsoleView.user(user), "back": back, "referral": kyc.info.referralUID ?? "",
            "labels": kyc.labels.map(ConsoleView.label),
            "profiles": kyc.info.profiles.map(ConsoleView.profile),
            "phones": kyc.info.phones.map { ["country": $0.country, "number": $0.number, "validated": $0.validatedAt.map { ConsoleView.time($0) as Any } ?? false] },
            "documents": kyc.documents.map { ConsoleView.document($0, uid: uid) },
            "comments": kyc.comments.map(ConsoleView.comment), "recoveryCodes": kyc.recoveryCodesRemaining,
            "apiKeys": keys.rows.map(ConsoleView.apiKey),
            "sessions": sessions.map(ConsoleView.session),
            "activity": activity.rows.map { ConsoleView.activity($0, admin: false) },
            "roles": ConsoleView.options(roles, selected: user.role),
            "canUpdate": abilities.can(.update, "User", role: role), "canLabel": abilities.can(.update, "Label", role: role),
            "canRole": role == "superadmin",
            "scopes": ConsoleView.options(["private", "public"], selected: "private"),
        ], wide: true)
    }

    /// The uploaded file of one of the user's documents, never by a public URL.
    @Sendable func document(_ call: ConsoleCall) async throws -> Response {
        let kyc = try await users.kyc(uid: call.path("uid"))
        guard let id = Int64(call.path("id")), let doc = kyc.documents.first(where: { $0.id == id }),
              let bytes = try await files.bytes(of: doc.upload) else {
            throw APIError(.notFound, ErrorKey.Record.notFound)
        }
        let ext = doc.upload.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let type = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "pdf": "application/pdf"][ext]
        var headers = HTTPFields()
        ConsoleRenderer.securityHeaders(&headers)
        headers[.contentType] = type ?? "application/octet-stream"
        headers[.contentDisposition] = type == nil ? "attachment" : "inline"
        // Whatever the file holds, it runs nothing in the console's origin.
        headers[.contentSecurityPolicy] = "default-src 'none'; img-src 'self'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
