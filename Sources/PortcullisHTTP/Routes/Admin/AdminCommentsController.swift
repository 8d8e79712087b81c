import Hummingbird
import PortcullisCore

/// `admin/users/comments`; ability update User
/// (deliberate difference: Barong checks none).
struct AdminCommentsController {
    let comments: AdminCommentService
    let renderer: EntityRenderer

    func addRoutes(to routes: AdminRoutes) {
        routes.post("", .update("User"), use: create)
        routes.put("", .update("User"), use: update)
        routes.delete("", .update("User"), use: delete)
    }

    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let uid = params.required("uid")
        let title = params.required("title")
        let data = params.required("data")
        Self.checkLengths(title: title, data: data, &params)
        return { caller in
            let kyc = try await comments.add(uid: uid, title: title, data: data, by: caller.user)
            return Responses.json(renderer.userKYC(kyc), status: .created)
        }
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        let title = params.optionalNonBlank("title")
        let data = params.optionalNonBlank("data")
        Self.checkLengths(title: title, data: data, &params)
        return { _ in Responses.json(renderer.userKYC(try await comments.edit(id: id, title: title, data: data))) }
    }

    @Sendable func delete(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let id = params.requiredInteger("id")
        return { _ in Responses.json(renderer.userKYC(try await comments.delete(id: id))) }
    }

    static func checkLengths(title: String?, data: String?, _ params: inout AdminParams) {
        if let title, title.count > 64 { params.fail(ErrorKey.Admin.commentTitleTooLong) }
        if let data, data.count > 65_535 { params.fail(ErrorKey.Admin.commentDataTooLong) }
    }
}
