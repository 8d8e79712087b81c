import Foundation
import Hummingbird
import PortcullisCore

/// Management `otp/sign` (api-admin.md B2): a user's TOTP code vouches for a
/// JWS the back-end built; the server appends its own RS256 signature (kid
/// `barong`, the key of api.md §3.7).
struct ManagementOTPController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("otp/sign", use: sign)
    }

    @Sendable func sign(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "otp_sign")
        let uid = params.required("user_uid")
        let code = params.required("otp_code")
        let data = (try? JSONSerialization.jsonObject(with: Data(params.params.rawBody))) as? [String: Any] ?? [:]
        if data["jwt"] == nil { params.fail("jwt is missing") }
        try params.finish()
        guard var jws = data["jwt"] as? [String: Any] else { throw ManagementError.sentence(.unprocessable, "jwt is invalid") }
        guard let user = try await services.store.read({ tx in try await tx.user(uid: uid) }), user.state == .active else {
            throw ManagementError.recordNotFound
        }
        guard user.otp else { throw ManagementError.sentence(.unprocessable, "Account has not enabled 2FA") }
        let accepted: Bool
        do { accepted = try await services.otp.verify(code, userID: user.id) } catch let error as APIError {
            throw ManagementError.sentence(.unprocessable, error.keys.first ?? "totp.error")
        }
        guard accepted else { throw ManagementError.sentence(.unprocessable, "OTP code is invalid") }
        guard let payload = jws["payload"] as? String, Base64URL.isCanonical(payload),
              let signatures = jws["signatures"] as? [Any] else {
            throw ManagementError.sentence(.unprocessable, "JWT is invalid by the reason \"expected a JSON general serialization with payload and signatures\"")
        }
        let protected = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8))
        let signature = try await services.serverSigner.sign(Array("\(protected).\(payload)".utf8))
        jws["signatures"] = signatures + [["protected": protected, "header": ["kid": "barong"], "signature": Base64URL.encode(signature)]]
        let body = try JSONSerialization.data(withJSONObject: jws, options: [.sortedKeys, .withoutEscapingSlashes])
        return Responses.raw(String(decoding: body, as: UTF8.self), status: .created)
    }
}
