import Hummingbird
import PortcullisCore

/// `admin/levels`, `admin/activities`, `admin/api_keys`, `admin/abilities`
/// and `admin/metrics`.
struct AdminReportsController {
    let reports: AdminReports
    let abilities: AbilityTable
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.get("levels", .read("Level"), use: levels)
        routes.get("activities", .read("Activity"), resource: "activity", use: activities)
        routes.get("activities/admin", .read("Activity"), resource: "activity", use: adminActivities)
        routes.get("api_keys", .read("APIKey"), resource: "apikey", use: apiKeys)
        // Any authenticated admin caller: its own entry of the table.
        routes.get("abilities", nil, use: ownAbilities)
        routes.get("metrics", .read("User"), resource: "metric", use: metrics)
    }

    @Sendable func levels(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        { _ in Responses.json(.array(try await reports.levels().map(renderer.level))) }
    }

    @Sendable func activities(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        activities(&params, admin: false)
    }

    @Sendable func adminActivities(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        activities(&params, admin: true)
    }

    private func activities(_ params: inout AdminParams, admin: Bool) -> AdminRoutes.Work {
        var filter = AdminActivityFilter()
        filter.category = admin ? "admin" : "user"
        filter.topic = text("topic", &params)
        filter.action = text("action", &params)
        filter.uid = text("uid", &params)
        filter.email = text("email", &params)?.lowercased()
        if admin {
            filter.targetUID = text("target_uid", &params)
            filter.window = params.window(ranges: ["created"], rangeKey: ErrorKey.Admin.activityInvalidRange)
        } else {
            filter.window = TimeWindow(from: params.integer("from").map(Int64.init), to: params.integer("to").map(Int64.init))
        }
        filter.page = params.page()
        let query = filter
        return { _ in
            let (rows, total) = try await reports.activities(query)
            return Responses.page(rows.map { renderer.activity($0, admin: admin) }, total: total, page: query.page)
        }
    }

    /// A string filter; objects and lists → `admin.activity.non_string_<param>`.
    private func text(_ name: String, _ params: inout AdminParams) -> String? {
        switch params.raw[name] {
        case .object, .unsupported:
            params.fail(ErrorKey.Admin.activityNonString(name))
            return nil
        default:
            return params.filter(name)
        }
    }

    @Sendable func apiKeys(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.filter("uid")
        let ordering = params.choice("ordering", ["asc", "desc"], failKey: ErrorKey.Admin.apiKeysInvalidOrdering) ?? "asc"
        let orderBy = params.filter("order_by") ?? "id"
        if !APIKeyPage.sortableColumns.contains(orderBy) { params.fail(ErrorKey.Admin.apiKeysInvalidOrderAttribute) }
        let page = params.page()
        return { _ in
            guard let uid else { throw APIError(.notFound, ErrorKey.Admin.userDoesntExist) }
            let request = APIKeyPage(orderBy: orderBy, ascending: ordering == "asc", page: page.page, limit: page.limit)
            let (rows, total) = try await reports.apiKeys(uid: uid, page: request)
            return Responses.page(rows.map { renderer.apiKey($0) }, total: total, page: page)
        }
    }

    @Sendable func ownAbilities(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        { caller in
            guard let entry = abilities.entries[caller.user.role] else { return Responses.json(.object([])) }
            var fields: [(String, JSONValue)] = []
            if !entry.read.isEmpty { fields.append(("read", .array(entry.read.map(JSONValue.string)))) }
            if !entry.manage.isEmpty { fields.append(("manage", .array(entry.manage.map(JSONValue.string)))) }
            return Responses.json(.object(fields))
        }
    }

    @Sendable func metrics(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let window = TimeWindow(from: params.integer("created_from").map(Int64.init), to: params.integer("created_to").map(Int64.init))
        return { _ in
            let m = try await reports.metrics(window: window)
            func daily(_ rows: [(String, Int)]) -> JSONValue { .object(rows.map { ($0.0, .int($0.1)) }) }
            return Responses.json(.object([
                ("signups", daily(m.signups)), ("sucessful_logins", daily(m.successfulLogins)),
                ("failed_logins", daily(m.failedLogins)), ("pending_applications", .int(m.pendingApplications)),
            ]))
        }
    }
}
