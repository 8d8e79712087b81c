import Foundation
import PortcullisCore

extension Params {
    /// Longest `webauthn` accepted (an assertion is a few hundred bytes).
    static let longestAssertion = 16_384

    /// `webauthn`: a step-up assertion as `PublicKeyCredential.toJSON()`
    /// gives it — an object in a JSON body, its JSON text in a form field or
    /// the query. nil when absent (a JSON null is absent); `.unreadable` when it is not one.
    var stepUpAssertion: StepUpAssertion? {
        let json: Data?
        switch self["webauthn"] {
        case nil: return nil
        case .string(let text):
            json = text.utf8.count <= Self.longestAssertion ? Data(text.utf8) : nil
        case .object:
            let body = (try? JSONSerialization.jsonObject(with: Data(rawBody))) as? [String: Any]
            json = body?["webauthn"].flatMap { try? JSONSerialization.data(withJSONObject: $0) }
        case .unsupported:
            json = nil
        }
        guard let json, json.count <= Self.longestAssertion,
              let credential = try? JSONDecoder().decode(AssertionCredential.self, from: json) else { return .unreadable }
        return .credential(credential)
    }

    /// The second factor the request brings: the assertion when `webauthn`
    /// came, else the code param as sent (`code` read by the route's rules).
    func secondFactor(code: String?) -> SecondFactor {
        stepUpAssertion.map(SecondFactor.passkey) ?? .code(code)
    }
}
