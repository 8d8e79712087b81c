import Foundation
import Hummingbird
import PortcullisCore

/// Management `otp/sign`; the rules live in `ManagementOTPService`.
struct ManagementOTPController {
    let otp: ManagementOTPService

    func addRoutes(to routes: ManagementRoutes) {
        routes.post("otp/sign", scope: "otp_sign", use: sign)
    }

    @Sendable func sign(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("user_uid")
        let code = params.required("otp_code")
        // `jwt` is a JSON object: read it from the data's JSON text (params keep no arrays).
        let data = (try? JSONSerialization.jsonObject(with: Data(params.params.rawBody))) as? [String: Any] ?? [:]
        if data["jwt"] == nil { params.fail("jwt is missing") }
        let jwt = (try? JSONSerialization.data(withJSONObject: data["jwt"] as? [String: Any] ?? [])).map { Array($0) } ?? []
        return { Responses.raw(try await otp.sign(uid: uid, code: code, jwt: jwt), status: .created) }
    }
}
