import Hummingbird
import PortcullisCore

/// `resource/devices`: the browsers the caller has signed in from.
struct DevicesController {
    let devices: DeviceService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.delete(":id", use: forget)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let rows = try await devices.list(for: caller.user, client: context.client)
        return Responses.json(.array(rows.map { row in
            .object([
                ("id", .int(Int(row.device.id))),
                ("created_at", .string(Timestamp.iso8601(row.device.createdAt))),
                ("last_seen_at", .string(Timestamp.iso8601(row.device.lastSeenAt))),
                ("user_agent", .string(row.device.userAgent)),
                ("user_ip", .string(row.device.userIP)),
                ("user_ip_country", .string(row.device.country)),
                ("current", .bool(row.current)),
            ])
        }))
    }

    /// 200 `{}`; another user's or an unknown id → 404 `resource.device.doesnt_exist`.
    @Sendable func forget(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await devices.forget(context.parameters.get("id").flatMap { Int64($0) }, of: caller.user, client: context.client)
        return Responses.json(.object([]))
    }
}
