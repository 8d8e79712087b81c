import Hummingbird
import PortcullisCore

/// `admin/users/comments` (api-admin.md §A2); ability update User
/// (deliberate difference: Barong checks none).
struct AdminCommentsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("", use: create)
        group.put("", use: update)
        group.delete("", use: delete)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let uid = params.required("uid")
        let title = params.required("title")
        let data = params.required("data")
        Self.checkLengths(title: title, data: data, &params)
        try params.finish()
        try services.require(.update, "User", caller)
        let kyc = try await services.adminComments.add(uid: uid, title: title, data: data, by: caller.user)
        return Responses.json(services.adminRenderer.userKYC(kyc), status: .created)
    }

    @Sendable func update(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let id = params.requiredInteger("id")
        let title = params.optionalNonBlank("title")
        let data = params.optionalNonBlank("data")
        Self.checkLengths(title: title, data: data, &params)
        try params.finish()
        try services.require(.update, "User", caller)
        let kyc = try await services.adminComments.edit(id: id, title: title, data: data)
        return Responses.json(services.adminRenderer.userKYC(kyc))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = AdminParams(context.params, resource: "user")
        let id = params.requiredInteger("id")
        try params.finish()
        try services.require(.update, "User", caller)
        let kyc = try await services.adminComments.delete(id: id)
        return Responses.json(services.adminRenderer.userKYC(kyc))
    }

    static func checkLengths(title: String?, data: String?, _ params: inout AdminParams) {
        if let title, title.count > 64 { params.fail(ErrorKey.Admin.commentTitleTooLong) }
        if let data, data.count > 65_535 { params.fail(ErrorKey.Admin.commentDataTooLong) }
    }
}
