import Foundation
import Hummingbird
import PortcullisCore

/// Management `otp/sign` (api-admin.md B2); the rules live in `ManagementOTPService`.
struct ManagementOTPController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("otp/sign", use: sign)
    }

    @Sendable func sign(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "otp_sign")
        let uid = params.required("user_uid")
        let code = params.required("otp_code")
        // `jwt` is a JSON object: read it from the data's JSON text (params keep no arrays).
        let data = (try? JSONSerialization.jsonObject(with: Data(params.params.rawBody))) as? [String: Any] ?? [:]
        if data["jwt"] == nil { params.fail("jwt is missing") }
        try params.finish()
        let jwt = (try? JSONSerialization.data(withJSONObject: data["jwt"] as? [String: Any] ?? [])).map { Array($0) } ?? []
        let signed = try await services.managementOTP.sign(uid: uid, code: code, jwt: jwt)
        return Responses.raw(signed, status: .created)
    }
}
