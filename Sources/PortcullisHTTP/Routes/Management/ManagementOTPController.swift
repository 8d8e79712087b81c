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
        // A step-up assertion (`webauthn`) for this payload stands in for the code.
        let assertion = params.params.stepUpAssertion
        let proof = assertion.map(SecondFactor.passkey) ?? .code(params.required("otp_code"))
        // `jwt` is a JSON object: read it from the data's JSON text (params keep no arrays).
        let data = (try? JSONSerialization.jsonObject(with: Data(params.params.rawBody))) as? [String: Any] ?? [:]
        if data["jwt"] == nil { params.fail("jwt is missing") }
        let jwt = (try? JSONSerialization.data(withJSONObject: data["jwt"] as? [String: Any] ?? [])).map { Array($0) } ?? []
        let client = params.client
        return { Responses.raw(try await otp.sign(uid: uid, proof: proof, jwt: jwt, client: client), status: .created) }
    }
}
