import Foundation
import Hummingbird
import PortcullisCore

/// `resource/passkeys`: the caller's passkeys, and step-up challenges for them.
struct PasskeysController {
    let passkeys: PasskeyRegistration
    let stepUp: StepUp

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("step_up/options", use: SensitiveWrite.guarded(stepUpOptions))
        group.post("options", use: SensitiveWrite.guarded(options))
        group.post("", use: SensitiveWrite.guarded(register))
        group.get("", use: list)
        group.delete(":id", use: SensitiveWrite.guarded(delete))
    }

    @Sendable func options(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let options = try await passkeys.options(for: caller.user, session: caller.session,
                                                 password: context.params.text("password"),
                                                 proof: context.params.secondFactor(code: context.params.text("otp_code")),
                                                 client: context.client)
        return Responses.json(PasskeyEntity.creation(options))
    }

    /// `{action, payload}`: a challenge for `navigator.credentials.get`
    /// that approves that action only (for `otp_sign`, that payload only).
    @Sendable func stepUpOptions(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let options = try await stepUp.options(for: caller.user, session: caller.session, action: context.params.text("action"),
                                               payload: context.params.text("payload"))
        return Responses.json(PasskeyEntity.request(options), headers: [.cacheControl: "no-store"])
    }

    /// `{name, credential}`: the credential as `PublicKeyCredential.toJSON()` gives it.
    @Sendable func register(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        struct Body: Decodable {
            let name: String?
            let credential: RegistrationCredential
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(context.params.rawBody)) else {
            throw APIError(.unprocessable, ErrorKey.Passkey.invalidCredential)
        }
        let passkey = try await passkeys.register(for: caller.user, session: caller.session, name: body.name,
                                                  credential: body.credential, client: context.client)
        return Responses.json(PasskeyEntity.render(passkey), status: .created)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        return Responses.json(.array(try await passkeys.list(for: caller.user).map(PasskeyEntity.render)))
    }

    @Sendable func delete(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await passkeys.delete(context.parameters.get("id").flatMap { Int64($0) }, of: caller.user, client: context.client)
        return Responses.json(.object([]))
    }
}
