import Foundation
import HummingbirdTesting
@testable import PortcullisCore
@testable import PortcullisHTTP

/// Computes TOTP codes from an otpauth URL. Each `next()` moves the
/// harness clock one 30 s step forward, so every code is fresh and is
/// accepted exactly once.
struct Authenticator {
    let totp: TOTP
    let clock: TestClock

    init(url: String, clock: TestClock) throws {
        guard let secret = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "secret" })?.value else {
            throw TestFailure("no secret in \(url)")
        }
        totp = TOTP(secret: try Base32.decode(secret))
        self.clock = clock
    }

    func next() -> String {
        clock.advance(TOTP.period)
        return totp.code(step: clock.now() / TOTP.period)
    }
}

extension TestClientProtocol {
    /// Signs up, turns 2FA on and returns the session and the authenticator.
    func signupWithTwoFactor(_ email: String, clock: TestClock) async throws -> (Login, Authenticator) {
        let login = try await signup(email)
        return (login, try await enableTwoFactor(login: login, clock: clock))
    }

    /// Turns 2FA on for the session's user.
    func enableTwoFactor(login: Login, clock: TestClock) async throws -> Authenticator {
        let qr = try await send(.post, "/resource/otp/generate_qrcode", login: login)
        let url = (qr.json["data"] as? [String: Any])?["url"] as? String ?? ""
        let authenticator = try Authenticator(url: url, clock: clock)
        let enable = try await send(.post, "/resource/otp/enable", json: ["code": authenticator.next()], login: login)
        guard enable.status == .created else { throw TestFailure("enable: \(enable.status) \(enable.text)") }
        return authenticator
    }
}
