import Hummingbird
import PortcullisCore

/// `resource/profiles…`.
struct ProfilesController {
    let profiles: ProfileService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("me", use: list)
        group.post("", use: create)
        group.put("", use: update)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        return Responses.json(.array(try await profiles.list(for: caller.user).map(renderer.profile)))
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let profile = try await profiles.create(try Self.input(context), for: caller.user)
        return Responses.json(renderer.profile(profile), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let profile = try await profiles.update(try Self.input(context), for: caller.user)
        return Responses.json(renderer.profile(profile))
    }

    static func input(_ context: PortcullisContext) throws -> ProfileInput {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceProfile)
        let fields = ["first_name", "last_name", "dob", "address", "postcode", "city", "country", "metadata"]
            .map { params.optional($0, keepBlank: true) }
        let confirm = ParamBoolean.parse(params.optional("confirm") ?? "false")
        if confirm == nil { params.fail(ErrorKey.invalid(ErrorKey.Scope.resourceProfile, "confirm")) }
        try params.finish()
        try ProfileService.checkDateParam(fields[2])
        return ProfileInput(firstName: fields[0], lastName: fields[1], dob: fields[2], address: fields[3], postcode: fields[4],
                            city: fields[5], country: fields[6], metadata: fields[7], confirm: confirm == true)
    }
}
