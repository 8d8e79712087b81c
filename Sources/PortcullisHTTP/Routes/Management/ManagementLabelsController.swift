import Hummingbird
import PortcullisCore

/// Management `labels…` (api-admin.md B2): private labels, Barong's bodies.
struct ManagementLabelsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("labels/filter/users", use: filterUsers)
        group.post("labels/list", use: list)
        group.post("labels", use: create)
        group.put("labels", use: update)
        group.post("labels/delete", use: delete)
    }

    @Sendable func filterUsers(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_users")
        var filter = LabelFilter(key: params.required("key"))
        filter.value = params.optional("value")
        filter.scope = params.optional("scope")
        let extended = params.boolean("extended", default: false, message: "extended Non boolean extended value")
        filter.window = params.window()
        let page = params.page()
        try params.finish()
        let (rows, total) = try await services.adminUsers.withLabel(filter, page: page, profiles: extended)
        return Responses.page(rows.map { services.adminRenderer.listedUser($0, profiles: extended) }, total: total, page: page)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_labels")
        let uid = params.required("user_uid")
        try params.finish()
        let kyc = try await notFound { try await services.adminUsers.kyc(uid: uid) }
        return Responses.json(.array(kyc.labels.map(services.adminRenderer.adminLabel)), status: .created)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await save(context, replace: nil, status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        try await save(context, replace: true, status: .ok)
    }

    /// POST (`replace` nil: create) and PUT (`replace` read from the params, default true).
    private func save(_ context: PortcullisContext, replace: Bool?, status: HTTPResponse.Status) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_labels")
        let uid = params.required("user_uid")
        let key = params.required("key")
        let value = params.required("value")
        let description = params.optional("description")
        var mode = AdminLabelService.Mode.create
        var scope = "private"
        if replace != nil {
            mode = .replace(params.boolean("replace", default: true))
            // Barong creates a missing label with the raw `scope` param when one is sent.
            scope = params.optional("scope") ?? "private"
        }
        try params.finish()
        let label = try await Self.modelErrors {
            try await notFound {
                try await services.adminLabels.save(uid: uid, key: key, value: value, scope: scope, description: description,
                                                    mode: mode, by: nil)
            }
        }
        return Responses.json(services.adminRenderer.label(label), status: status)
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_labels")
        let uid = params.required("user_uid")
        let key = params.required("key")
        try params.finish()
        do {
            try await services.adminLabels.delete(uid: uid, key: key, scope: "private", by: nil)
        } catch let error as APIError where error.status == .notFound {
            throw ManagementError.recordNotFound
        }
        return Responses.empty(.noContent)
    }

    /// Unknown user → 404 `Record is not found`; a missing label (no replace) → 404 `label doesnt exist`.
    private func notFound<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as APIError where error.status == .notFound {
            throw error.keys == [ErrorKey.Admin.labelDoesntExist]
                ? ManagementError.sentence(.notFound, "label doesnt exist") : ManagementError.recordNotFound
        }
    }

    /// Model errors as an attribute → full messages object (`{"key":["Key has already been taken"]}`).
    static func modelErrors<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as APIError where error.status == .unprocessable {
            var fields: [(String, [String])] = []
            for key in error.keys {
                let attribute = String(key.split(separator: ".").first ?? "")
                if let index = fields.firstIndex(where: { $0.0 == attribute }) {
                    fields[index].1.append(ManagementError.fullMessage(key))
                } else {
                    fields.append((attribute, [ManagementError.fullMessage(key)]))
                }
            }
            let body = JSONValue.object(fields.map { ($0.0, .array($0.1.map(JSONValue.string))) }).serialized()
            throw ManagementError(.unprocessable, body: body)
        }
    }
}
