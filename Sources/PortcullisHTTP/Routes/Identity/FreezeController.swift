import Hummingbird
import PortcullisCore

/// `identity/users/freeze`: the link in a security mail freezes the account
/// ("this wasn't me"); no session needed.
struct FreezeController {
    let freeze: FreezeService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("", use: freezeByToken)
    }

    /// `{token}`: 201 `{}`, also when the account is frozen already.
    @Sendable func freezeByToken(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.identityUser)
        let token = params.required("token")
        try params.finish()
        try await freeze.freeze(token: token, client: context.client)
        return Responses.json(.object([]), status: .created)
    }
}
