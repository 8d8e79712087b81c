import Foundation
import Hummingbird
import PortcullisCore

/// `resource/otp/…` — TOTP 2FA.
struct OTPController {
    let otp: OTPService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("generate_qrcode", use: generate)
        group.post("enable", use: enable)
        group.post("disable", use: SensitiveWrite.guarded(disable))
        group.post("verify", use: verify)
        group.post("recovery_codes", use: SensitiveWrite.guarded(createRecoveryCodes))
        group.get("recovery_codes", use: recoveryCodes)
    }

    /// The codes, once: only their keyed hashes are kept.
    @Sendable func createRecoveryCodes(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let codes = try await otp.createRecoveryCodes(for: caller.user, proof: try Self.proof(context), session: caller.session,
                                                      client: context.client)
        return Responses.secretJSON(.object([("codes", .array(codes.map(JSONValue.string)))]), status: .created)
    }

    /// How many codes are left and when the set was made (null: no set).
    @Sendable func recoveryCodes(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let status = try await otp.recoveryCodeStatus(for: caller.user)
        return Responses.json(.object([
            ("remaining", .int(status?.remaining ?? 0)),
            ("created_at", status.map { .string(Timestamp.iso8601($0.createdAt)) } ?? .null),
        ]))
    }

    /// Barong passes Vault's envelope through; the fields are kept, empty.
    @Sendable func generate(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (url, png) = try await otp.generate(for: caller.user, client: context.client)
        return Responses.json(.object([
            ("request_id", .string("")), ("lease_id", .string("")), ("renewable", .bool(false)), ("lease_duration", .int(0)),
            ("data", .object([("barcode", .string(Data(png).base64EncodedString())), ("url", .string(url))])),
            ("wrap_info", .null), ("warnings", .null), ("auth", .null),
        ]), status: .created)
    }

    @Sendable func enable(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        let code = try Self.code(context)
        try await otp.enable(for: caller.user, code: code, keeping: caller.session, client: context.client)
        // Barong's body here is the JSON number 200.
        return Responses.json(.int(200), status: .created)
    }

    @Sendable func disable(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await otp.disable(for: caller.user, proof: try Self.proof(context), session: caller.session, client: context.client)
        return Responses.empty(.ok)
    }

    @Sendable func verify(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await otp.verifyEndpoint(for: caller.user, code: try Self.code(context), client: context.client)
        return Responses.empty(.created)
    }

    /// `code`, or a step-up assertion (`webauthn`) in its place.
    static func proof(_ context: PortcullisContext) throws -> SecondFactor {
        if let assertion = context.params.stepUpAssertion { return .passkey(assertion) }
        return .code(try code(context))
    }

    static func code(_ context: PortcullisContext) throws -> String {
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceOTP)
        let code = params.required("code")
        try params.finish()
        return code
    }
}
