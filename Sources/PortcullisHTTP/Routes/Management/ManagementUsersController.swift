import Hummingbird
import PortcullisCore

/// Management `timestamp`, `users…` and `profiles`.
struct ManagementUsersController {
    let users: ManagementUserService
    let adminUsers: AdminUserService
    let renderer: EntityRenderer
    let clock: any ServerClock

    func addRoutes(to routes: ManagementRoutes) {
        routes.post("timestamp", scope: "tools", use: timestamp)
        routes.post("users/get", scope: "read_users", use: get)
        routes.post("users/list", scope: "read_users", use: list)
        routes.post("users", scope: "write_users", use: create)
        routes.post("users/update", scope: "write_users", use: update)
        routes.post("users/import", scope: "write_users", use: importUser)
        routes.post("profiles", scope: "write_users", use: createProfile)
    }

    @Sendable func timestamp(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        { Responses.json(.object([("timestamp", .int(clock.now()))])) }
    }

    @Sendable func get(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let chosen = params.exactlyOne(["uid", "email", "phone_num"])
        return {
            guard let (name, value) = chosen else { throw ManagementError.recordNotFound }
            let lookup: ManagementUserService.Lookup = switch name {
            case "uid": .uid(value)
            case "email": .email(value)
            default: .phone(value)
            }
            return Responses.json(renderer.userKYC(try await users.find(lookup)), status: .created)
        }
    }

    /// 200 with the admin list's filters (uid, email, role, country, level, state honoured though undeclared).
    @Sendable func list(_ params: inout ManagementParams) -> ManagementRoutes.Work {
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
        let query = filter
        return {
            let (rows, total) = try await adminUsers.list(query, profiles: extended)
            return Responses.page(rows.map { renderer.listedUser($0, profiles: extended) }, total: total, page: query.page)
        }
    }

    @Sendable func create(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let email = params.required("email")
        let password = params.required("password")
        let referral = params.optional("referral_uid")
        return {
            let user = try await users.create(email: email, password: password, referralUID: referral)
            return Responses.json(renderer.listedUser(user, profiles: true), status: .created)
        }
    }

    @Sendable func update(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        params.atLeastOne(["role", "data"])
        let role = params.optional("role", nonBlank: true)
        let data = params.optional("data", nonBlank: true)
        return {
            let user = try await users.update(uid: uid, role: role, data: data)
            return Responses.json(renderer.listedUser(user, profiles: true), status: .created)
        }
    }

    @Sendable func importUser(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let email = params.required("email")
        let digest = params.required("password_digest")
        let referral = params.optional("referral_uid", nonBlank: true)
        let phone = params.optional("phone", nonBlank: true)
        let profile = Self.profileInput(&params)
        let state = params.optional("state", nonBlank: true)
        let fields = ManagementUserService.ImportFields(referralUID: referral, phone: phone, profile: profile, profileState: state)
        return {
            let user = try await users.importUser(email: email, passwordDigest: digest, fields)
            return Responses.json(renderer.listedUser(user, profiles: true), status: .created)
        }
    }

    @Sendable func createProfile(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        var input = Self.profileInput(&params)
        input.metadata = params.optional("metadata", nonBlank: true)
        let state = params.optional("state", nonBlank: true)
        input.confirm = state == "submitted"
        let profile = input
        return {
            let user = try await users.createProfile(uid: uid, profile)
            return Responses.json(renderer.listedUser(user, profiles: true), status: .created)
        }
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
