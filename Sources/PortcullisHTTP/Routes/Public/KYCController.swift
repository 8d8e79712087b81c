import Hummingbird
import PortcullisCore

/// `POST public/kyc`: the KYCAID callback.
/// Status only: 422 with the `local` provider, 200 once accepted.
struct KYCController {
    let kyc: KYCCallbackService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("kyc", use: callback)
    }

    @Sendable func callback(_ request: Request, context: PortcullisContext) async throws -> Response {
        do {
            try await kyc.callback(
                rawBody: context.params.rawBody, integrity: request.headers[.dataIntegrity],
                verificationID: context.params.text("verification_id"), applicantID: context.params.text("applicant_id")
            )
        } catch let error as APIError where error.keys.isEmpty {
            return Responses.empty(HTTPResponse.Status(code: error.status.rawValue))
        }
        return Responses.empty(.ok)
    }
}
