import Hummingbird
import PortcullisCore

/// `resource/phones…`.
struct PhonesController {
    let accounts: AccountService
    let phones: PhoneService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.post("", use: create)
        group.post("send_code", use: sendCode)
        group.post("verify", use: verify)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let phones = try await phones.list(for: caller.user)
        return Responses.json(.array(phones.map {
            renderer.phone(Phone(country: $0.country, number: $0.number, validatedAt: $0.validatedAt))
        }))
    }

    func numberAndChannel(_ context: PortcullisContext) throws -> (String, String) {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourcePhone)
        let number = params.required("phone_number")
        let channel = params.optional("channel")
        try params.finish()
        return (number, try PhoneService.validChannel(channel))
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (number, channel) = try numberAndChannel(context)
        try await phones.add(number, channel: channel, for: caller.user)
        return Responses.json(.object([("message", .string("Code was sent successfully via \(channel)"))]), status: .created)
    }

    @Sendable func sendCode(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (number, channel) = try numberAndChannel(context)
        try await phones.sendCode(number, channel: channel, for: caller.user)
        return Responses.json(.object([("message", .string("Code was sent successfully via \(channel)"))]), status: .created)
    }

    @Sendable func verify(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourcePhone)
        let number = params.required("phone_number")
        let code = params.required("verification_code")
        try params.finish()
        let user = try await phones.verify(number, code: code, for: caller.user)
        return Responses.json(renderer.fullInfo(try await accounts.fullInfo(of: user)), status: .created)
    }
}
