import Hummingbird
import PortcullisCore

/// `admin/users/labels…`.
struct AdminUserLabelsController {
    let users: AdminUserService
    let labels: AdminLabelService
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("User"), use: usersWithLabel)
        routes.get("list", .read("User"), use: counts)
        routes.post("", .create("Label"), use: create)
        routes.post("update", .update("Label"), use: replace)
        routes.put("", .update("Label"), use: update)
        routes.delete("", .destroy("Label"), use: delete)
    }

    @Sendable func usersWithLabel(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let key = params.requiredAllowingBlank("key")
        let value = params.requiredAllowingBlank("value")
        let page = params.page()
        return { _ in
            let (rows, total) = try await users.withLabel(LabelFilter(key: key, value: value), page: page)
            return Responses.page(rows.map { renderer.listedUser($0, profiles: false) }, total: total, page: page)
        }
    }

    /// Keys are the `[key, value]` pair as Ruby prints it.
    @Sendable func counts(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        { _ in
            let counts = try await users.labelCounts()
            return Responses.json(.object(counts.map { ("[\(Self.rubyString($0.key)), \(Self.rubyString($0.value))]", .int($0.count)) }))
        }
    }

    /// Ruby's `String#inspect` for the label alphabet (quotes and backslashes escaped).
    static func rubyString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        save(&params, mode: .create)
    }

    /// `POST users/labels/update` (`replace` read with the params).
    @Sendable func replace(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        save(&params, mode: .replace(true))
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        save(&params, mode: .update)
    }

    /// The three label writes: params in each route's declaration order
    /// (create: uid, key, value, description, scope; the others: uid, key,
    /// scope, value, description[, replace]).
    private func save(_ params: inout AdminParams, mode: AdminLabelService.Mode) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let key = params.required("key")
        var resolved = mode
        let (scope, value, description): (String, String, String?)
        switch mode {
        case .create:
            value = params.required("value")
            description = params.optionalNonBlank("description")
            scope = params.optionalNonBlank("scope") ?? "public"
        case .replace:
            scope = params.required("scope")
            value = params.required("value")
            description = params.optionalNonBlank("description")
            resolved = .replace(params.boolean("replace", default: true, failKey: ErrorKey.Admin.nonBooleanReplace))
        case .update:
            scope = params.required("scope")
            value = params.required("value")
            description = params.filter("description")
        }
        let decided = resolved
        return { caller in
            _ = try await labels.save(uid: uid, key: key, value: value, scope: scope, description: description, mode: decided,
                                      by: caller.user)
            return Responses.ok200()
        }
    }

    @Sendable func delete(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let key = params.required("key")
        let scope = params.required("scope")
        return { caller in
            try await labels.delete(uid: uid, key: key, scope: scope, by: caller.user)
            return Responses.ok200()
        }
    }
}
