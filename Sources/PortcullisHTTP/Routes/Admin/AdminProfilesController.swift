import Hummingbird
import PortcullisCore

/// `admin/profiles`.
struct AdminProfilesController {
    let profiles: AdminProfileService
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("Profile"), use: list)
        routes.put("", .update("Profile"), use: update)
        // Ability create Profile (deliberate difference: Barong checks none).
        routes.post("", .create("Profile"), use: create)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let page = params.page()
        return { _ in
            let (rows, total) = try await profiles.list(page: page)
            return Responses.page(rows.map(renderer.profile), total: total, page: page)
        }
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let state = params.required("state")
        return { caller in Responses.json(renderer.profile(try await profiles.setState(uid: uid, state: state, by: caller.user))) }
    }

    /// The params' failures first, then a malformed `dob` (as Barong's order), then the ability.
    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) throws -> AdminRoutes.Work {
        let uid = params.required("uid")
        let names = ["first_name", "last_name", "dob", "address", "postcode", "city", "country"]
        let fields = names.map { params.filter($0) }
        try params.finish()
        try ProfileService.checkDateParam(fields[2], key: ErrorKey.invalid(params.scope, "dob"))
        let input = ProfileInput(firstName: fields[0], lastName: fields[1], dob: fields[2], address: fields[3], postcode: fields[4],
                                 city: fields[5], country: fields[6], metadata: nil, confirm: true)
        return { caller in
            Responses.json(renderer.profile(try await profiles.create(uid: uid, input, by: caller.user)), status: .created)
        }
    }
}
