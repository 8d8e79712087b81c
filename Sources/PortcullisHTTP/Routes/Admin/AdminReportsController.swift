import Hummingbird
import PortcullisCore

/// `admin/levels`, `admin/activities`, `admin/api_keys`, `admin/abilities`
/// and `admin/metrics` (api-admin.md §A6).
struct AdminReportsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.get("levels", use: levels)
        group.get("activities", use: activities)
        group.get("activities/admin", use: adminActivities)
        group.get("api_keys", use: apiKeys)
        group.get("abilities", use: abilities)
        group.get("metrics", use: metrics)
    }

    @Sendable func levels(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try services.require(.read, "Level", caller)
        return Responses.json(.array(try await services.adminReports.levels().map(services.adminRenderer.level)))
    }

    @Sendable func activities(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await activities(context, admin: false)
    }

    @Sendable func adminActivities(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await activities(context, admin: true)
    }

    private func activities(_ context: PortcullisContext, admin: Bool) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "activity")
        var filter = AdminActivityFilter()
        filter.category = admin ? "admin" : "user"
        filter.topic = text("topic", &params)
        filter.action = text("action", &params)
        filter.uid = text("uid", &params)
        filter.email = text("email", &params)?.lowercased()
        if admin {
            filter.targetUID = text("target_uid", &params)
            filter.window = params.window(ranges: ["created"], rangeKey: "admin.activity.invalid_range")
        } else {
            filter.window = TimeWindow(from: params.integer("from").map(Int64.init), to: params.integer("to").map(Int64.init))
        }
        filter.page = params.page()
        try params.finish()
        try services.require(.read, "Activity", caller)
        let (rows, total) = try await services.adminReports.activities(filter)
        return Responses.page(rows.map { services.adminRenderer.activity($0, admin: admin) }, total: total, page: filter.page)
    }

    /// A string filter; objects and lists → `admin.activity.non_string_<param>`.
    private func text(_ name: String, _ params: inout AdminParams) -> String? {
        switch params.raw[name] {
        case .object, .unsupported:
            params.fail("admin.activity.non_string_\(name)")
            return nil
        default:
            return params.filter(name)
        }
    }

    @Sendable func apiKeys(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "apikey")
        let uid = params.filter("uid")
        let ordering = params.choice("ordering", ["asc", "desc"], failKey: "api_keys.ordering.invalid_ordering") ?? "asc"
        let orderBy = params.filter("order_by") ?? "id"
        if !APIKeyPage.sortableColumns.contains(orderBy) { params.fail("api_keys.ordering.invalid_attribute") }
        let page = params.page()
        try params.finish()
        try services.require(.read, "APIKey", caller)
        guard let uid else { throw APIError(.notFound, ErrorKey.Admin.userDoesntExist) }
        let request = APIKeyPage(orderBy: orderBy, ascending: ordering == "asc", page: page.page, limit: page.limit)
        let (rows, total) = try await services.adminReports.apiKeys(uid: uid, page: request)
        return Responses.page(rows.map { services.adminRenderer.apiKey($0) }, total: total, page: page)
    }

    /// The caller's own entry of the ability table; any authenticated caller.
    @Sendable func abilities(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard let entry = services.abilities.entries[caller.user.role] else { return Responses.json(.object([])) }
        var fields: [(String, JSONValue)] = []
        if !entry.read.isEmpty { fields.append(("read", .array(entry.read.map(JSONValue.string)))) }
        if !entry.manage.isEmpty { fields.append(("manage", .array(entry.manage.map(JSONValue.string)))) }
        return Responses.json(.object(fields))
    }

    @Sendable func metrics(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "metric")
        let window = TimeWindow(from: params.integer("created_from").map(Int64.init), to: params.integer("created_to").map(Int64.init))
        try params.finish()
        try services.require(.read, "User", caller)
        let m = try await services.adminReports.metrics(window: window)
        func daily(_ rows: [(String, Int)]) -> JSONValue { .object(rows.map { ($0.0, .int($0.1)) }) }
        return Responses.json(.object([
            ("signups", daily(m.signups)), ("sucessful_logins", daily(m.successfulLogins)),
            ("failed_logins", daily(m.failedLogins)), ("pending_applications", .int(m.pendingApplications)),
        ]))
    }
}
