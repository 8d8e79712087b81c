import Hummingbird
import PortcullisCore

/// Management `labels…`: private labels, Barong's bodies.
struct ManagementLabelsController {
    let adminUsers: AdminUserService
    let labels: AdminLabelService
    let renderer: EntityRenderer

    func addRoutes(to routes: ManagementRoutes) {
        routes.post("labels/filter/users", scope: "read_users", use: filterUsers)
        routes.post("labels/list", scope: "read_labels", use: list)
        routes.post("labels", scope: "write_labels", use: create)
        routes.put("labels", scope: "write_labels", use: update)
        routes.post("labels/delete", scope: "write_labels", use: delete)
    }

    @Sendable func filterUsers(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        var filter = LabelFilter(key: params.required("key"))
        filter.value = params.optional("value")
        filter.scope = params.optional("scope")
        let extended = params.boolean("extended", default: false, message: "extended Non boolean extended value")
        filter.window = params.window()
        let page = params.page()
        let query = filter
        return {
            let (rows, total) = try await adminUsers.withLabel(query, page: page, profiles: extended)
            return Responses.page(rows.map { renderer.listedUser($0, profiles: extended) }, total: total, page: page)
        }
    }

    @Sendable func list(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("user_uid")
        return {
            let kyc = try await notFound { try await adminUsers.kyc(uid: uid) }
            return Responses.json(.array(kyc.labels.map(renderer.adminLabel)), status: .created)
        }
    }

    @Sendable func create(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        save(&params, replace: nil, status: .created)
    }

    @Sendable func update(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        save(&params, replace: true, status: .ok)
    }

    /// POST (`replace` nil: create) and PUT (`replace` read from the params, default true).
    private func save(_ params: inout ManagementParams, replace: Bool?, status: HTTPResponse.Status) -> ManagementRoutes.Work {
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
        let (decidedMode, decidedScope) = (mode, scope)
        return {
            let label = try await Self.modelErrors {
                try await notFound {
                    try await labels.save(uid: uid, key: key, value: value, scope: decidedScope, description: description,
                                          mode: decidedMode, by: nil)
                }
            }
            return Responses.json(renderer.label(label), status: status)
        }
    }

    @Sendable func delete(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("user_uid")
        let key = params.required("key")
        return {
            do {
                try await labels.delete(uid: uid, key: key, scope: "private", by: nil)
            } catch let error as APIError where error.status == .notFound {
                throw ManagementError.recordNotFound
            }
            return Responses.empty(.noContent)
        }
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
