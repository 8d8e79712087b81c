import Hummingbird
import PortcullisCore

/// `/admin/activity`: user activities or admin actions, filtered, paged,
/// and exported as CSV (the same filter, up to 10,000 rows).
struct ConsoleActivityController {
    let reports: AdminReports

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("activity", .read("Activity", "activities"), list)
        routes.file("activity.csv", .read("Activity", "activities"), csv)
    }

    private func filter(_ form: ConsoleForm, limit: Int) -> AdminActivityFilter {
        var filter = AdminActivityFilter()
        filter.category = form.text("kind") == "admin" ? "admin" : "user"
        filter.topic = form.text("topic")
        filter.action = form.text("action")
        filter.uid = form.text("uid")
        filter.email = form.text("email")?.lowercased()
        filter.targetUID = filter.category == "admin" ? form.text("target_uid") : nil
        filter.window = TimeWindow(from: form.day("from"), to: form.day("to", endOfDay: true))
        filter.page = PageRequest(page: form.int("page", in: 1...PageRequest.maxPage) ?? 1, limit: limit)
        return filter
    }

    @Sendable func list(_ call: ConsoleCall) async throws -> ConsolePage {
        let form = call.form
        let filter = filter(form, limit: 50)
        let (rows, total) = try await reports.activities(filter)
        let page = filter.page.page
        let pages = max(1, (total + 49) / 50)
        let admin = filter.category == "admin"
        return ConsolePage(template: "activity", title: "Activity", data: [
            "rows": rows.map { ConsoleView.activity($0, admin: admin) }, "admin": admin, "total": total, "page": page, "pages": pages,
            "prev": page > 1 ? "/admin/activity?" + form.query(page: page - 1) as Any : false,
            "next": page < pages ? "/admin/activity?" + form.query(page: page + 1) as Any : false,
            "csv": "/admin/activity.csv?" + form.query(),
            "kinds": [["value": "user", "label": "User activity", "selected": !admin],
                      ["value": "admin", "label": "Admin actions", "selected": admin]],
            "f": ["topic": filter.topic ?? "", "action": filter.action ?? "", "uid": filter.uid ?? "", "email": filter.email ?? "",
                  "target_uid": form.text("target_uid") ?? "", "from": form.text("from") ?? "", "to": form.text("to") ?? ""],
        ], wide: true)
    }

    @Sendable func csv(_ call: ConsoleCall) async throws -> Response {
        let filter = filter(call.form, limit: 10_000)
        let (rows, _) = try await reports.activities(filter)
        var text = "created_at,user_uid,user_email,topic,action,result,user_ip,user_ip_country,user_agent,target_email,data\r\n"
        for row in rows {
            let a = row.activity
            let fields = [Timestamp.iso8601(a.createdAt), row.user.uid, row.user.email, a.topic, a.action, a.result, a.userIP,
                          a.userIPCountry, a.userAgent, row.target?.email ?? "", a.data ?? ""]
            text += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
        }
        var headers = HTTPFields()
        ConsoleRenderer.securityHeaders(&headers)
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filter.category)-activity.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// RFC 4180 quoting; a field a spreadsheet would read as a formula gets a leading `'`.
    /// Scalars, not Characters: `"\r\n"` is one Character equal to neither `"\r"` nor `"\n"`,
    /// and a combining mark after `,` or `"` hides it from a Character comparison.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r\n".unicodeScalars.contains(first) { value = "'" + value }
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var quoted = String.UnicodeScalarView(["\""])
        for scalar in value.unicodeScalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append(scalar) }
        }
        quoted.append("\"")
        return String(quoted)
    }
}
