import Hummingbird
import PortcullisCore

/// Management `timestamp`, `users…` and `profiles` (api-admin.md B2).
struct ManagementUsersController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("timestamp", use: timestamp)
        group.post("users/get", use: get)
        group.post("users/list", use: list)
        group.post("users", use: create)
        group.post("users/update", use: update)
        group.post("users/import", use: importUser)
        group.post("profiles", use: createProfile)
    }

    @Sendable func timestamp(_ request: Request, context: PortcullisContext) async throws -> Response {
        _ = try await services.managementParams(context, scope: "tools")
        return Responses.json(.object([("timestamp", .int(services.clock.now()))]))
    }

    @Sendable func get(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_users")
        let chosen = params.exactlyOne(["uid", "email", "phone_num"])
        try params.finish()
        guard let (name, value) = chosen else { throw ManagementError.recordNotFound }
        let lookup: ManagementUserService.Lookup = switch name {
        case "uid": .uid(value)
        case "email": .email(value)
        default: .phone(value)
        }
        let kyc = try await services.managementUsers.find(lookup)
        return Responses.json(services.adminRenderer.userKYC(kyc), status: .created)
    }

    /// 200 with the admin list's filters (uid, email, role, country, level, state honoured though undeclared).
    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_users")
        let extended = params.boolean("extended", default: false, message: "extended Non boolean extended value")
        var filter = UserFilter()
        filter.window = params.window()
        filter.page = params.page()
        filter.uid = params.optional("uid")
        filter.email = params.optional("email")?.lowercased()
        filter.role = params.optional("role")
        filter.country = params.optional("country")
        filter.level = params.integer("level")
        filter.state = params.optional("state")
        try params.finish()
        let (rows, total) = try await services.adminUsers.list(filter, profiles: extended)
        return Responses.page(rows.map { services.adminRenderer.listedUser($0, profiles: extended) }, total: total, page: filter.page)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_users")
        let email = params.required("email")
        let password = params.required("password")
        let referral = params.optional("referral_uid")
        try params.finish()
        let user = try await services.managementUsers.create(email: email, password: password, referralUID: referral)
        return Responses.json(services.adminRenderer.listedUser(user, profiles: true), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_users")
        let uid = params.required("uid")
        params.atLeastOne(["role", "data"])
        let role = params.optional("role", nonBlank: true)
        let data = params.optional("data", nonBlank: true)
        try params.finish()
        let user = try await services.managementUsers.update(uid: uid, role: role, data: data)
        return Responses.json(services.adminRenderer.listedUser(user, profiles: true), status: .created)
    }

    @Sendable func importUser(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_users")
        let email = params.required("email")
        let digest = params.required("password_digest")
        let referral = params.optional("referral_uid", nonBlank: true)
        let phone = params.optional("phone", nonBlank: true)
        let profile = Self.profileInput(&params)
        let state = params.optional("state", nonBlank: true)
        try params.finish()
        let fields = ManagementUserService.ImportFields(referralUID: referral, phone: phone, profile: profile, profileState: state)
        let user = try await services.managementUsers.importUser(email: email, passwordDigest: digest, fields)
        return Responses.json(services.adminRenderer.listedUser(user, profiles: true), status: .created)
    }

    @Sendable func createProfile(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_users")
        let uid = params.required("uid")
        var input = Self.profileInput(&params)
        input.metadata = params.optional("metadata", nonBlank: true)
        let state = params.optional("state", nonBlank: true)
        try params.finish()
        input.confirm = state == "submitted"
        let user = try await services.managementUsers.createProfile(uid: uid, input)
        return Responses.json(services.adminRenderer.listedUser(user, profiles: true), status: .created)
    }

    /// The optional, non-blank profile fields users/import and profiles share.
    static func profileInput(_ params: inout ManagementParams) -> ProfileInput {
        let names = ["first_name", "last_name", "dob", "address", "postcode", "city", "country"]
        let v = names.map { params.optional($0, nonBlank: true) }
        if let dob = v[2], (try? ProfileService.checkDateParam(dob)) == nil { params.fail("dob is invalid") }
        return ProfileInput(firstName: v[0], lastName: v[1], dob: v[2], address: v[3], postcode: v[4], city: v[5], country: v[6],
                            metadata: nil, confirm: false)
    }
}
