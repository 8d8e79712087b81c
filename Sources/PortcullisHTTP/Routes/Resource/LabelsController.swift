import Hummingbird
import PortcullisCore

/// `resource/labels`: public labels only.
struct LabelsController {
    let labels: LabelService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.get(":key", use: show)
        group.post("", use: create)
        group.patch(":key", use: update)
        group.delete(":key", use: delete)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceLabel)
        let ordering = params.optional("ordering", keepBlank: true) ?? "asc"
        if !["asc", "desc"].contains(ordering) { params.fail(ErrorKey.Labels.invalidOrdering) }
        try params.finish()
        let labels = try await labels.list(for: caller.user, ascending: ordering == "asc")
        return Responses.json(.array(labels.map(renderer.label)))
    }

    @Sendable func show(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let label = try await labels.find(context.parameters.get("key") ?? "", for: caller.user)
        return Responses.json(renderer.label(label))
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceLabel)
        let key = params.required("key")
        let value = params.required("value")
        try params.finish()
        let label = try await labels.create(key: key, value: value, for: caller.user)
        return Responses.json(renderer.label(label), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceLabel)
        let value = params.required("value")
        try params.finish()
        let label = try await labels.update(key: context.parameters.get("key") ?? "", value: value, for: caller.user)
        return Responses.json(renderer.label(label))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await labels.delete(key: context.parameters.get("key") ?? "", for: caller.user)
        return Responses.empty(.noContent)
    }
}
