/// Which endpoints need a captcha, and the check itself.
/// Runs before anything touches the database.
public struct CaptchaGuard: Sendable {
    public enum Endpoint: String, Sendable {
        case userCreate = "user_create"
        case sessionCreate = "session_create"
        case passwordReset = "password_reset"
        case emailConfirmation = "email_confirmation"
    }

    let kind: CaptchaKind
    let protected: Set<String>
    let verifier: (any CaptchaVerifier)?

    public init(kind: CaptchaKind, protectedEndpoints: [String], verifier: (any CaptchaVerifier)?) {
        self.kind = kind
        self.protected = Set(protectedEndpoints)
        self.verifier = verifier
    }

    public func check(_ endpoint: Endpoint, _ response: CaptchaResponse) async throws {
        guard kind != .none, protected.contains(endpoint.rawValue), let verifier else { return }
        switch response {
        case .absent: throw APIError(.badRequest, ErrorKey.Captcha.required)
        case .text(let value) where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            throw APIError(.badRequest, ErrorKey.Captcha.required)
        default: try await verifier.verify(response)
        }
    }
}

import Foundation
