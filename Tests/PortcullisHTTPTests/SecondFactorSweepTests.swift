import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore

/// Walks every resource route the router registered, as a 2FA
/// user, and finds the ones that check a password or code by what they do —
/// a wrong proof moves the account's failure count in the login throttle.
/// Each such route must refuse the right password alone, and the walk must
/// find at least the routes known to ask. A route added later that checks a
/// proof outside the throttle is missed by the count and fails the
/// expected-set check; one that counts but takes the password alone fails
/// the refusal check.
struct SecondFactorSweepTests {
    /// Routes that ask for a password or code today (the walk may find more, never fewer).
    static let knownProofRoutes: Set<String> = [
        "PUT /users/password", "DELETE /users/me", "POST /passkeys/options", "POST /otp/disable", "POST /otp/verify",
        "POST /api_keys", "PATCH /api_keys/{kid}", "DELETE /api_keys/{kid}",
        "POST /service_accounts/api_keys", "PUT /service_accounts/api_keys/{kid}", "DELETE /service_accounts/api_keys/{kid}",
        "POST /otp/recovery_codes",
    ]

    static let otherPassword = "Vb7#rTq2!nWz"

    /// Every param any of these routes reads, with a wrong password and wrong codes.
    static func wrongProofs(serviceAccount: String) -> [String: Any] {
        ["password": "Wrong-pass-9!", "old_password": "Wrong-pass-9!", "new_password": otherPassword,
         "confirm_password": otherPassword, "otp_code": "000000", "code": "000000", "totp_code": "000000",
         "algorithm": "HS256", "scope": "trade", "state": "active", "service_account_uid": serviceAccount]
    }

    /// The right password in every password field, and no code at all.
    static func passwordAlone(serviceAccount: String) -> [String: Any] {
        ["password": strongPassword, "old_password": strongPassword, "new_password": otherPassword,
         "confirm_password": otherPassword, "algorithm": "HS256", "scope": "trade", "state": "active",
         "service_account_uid": serviceAccount]
    }

    /// Checked failures counted for the account (the throttle's account-wide row).
    static func failures(_ harness: Harness, email: String) async throws -> Int {
        try await harness.store.read { tx in
            guard let sql = tx as? SQLTransaction else { return 0 }
            return try await sql.db.raw("""
                SELECT attempts FROM login_throttle WHERE key = \(bind: LoginThrottle.accountKey(email))
                """).first().map { try $0.decode(column: "attempts", as: Int.self) } ?? 0
        }
    }

    @Test func everyRouteThatChecksAProofCountsItAndRefusesThePasswordAlone() async throws {
        try await Harness.run { harness, client in
            let email = "owner@example.com"
            let (_, authenticator) = try await client.signupWithTwoFactor(email, clock: harness.clock)
            let owner = try #require(try await harness.store.read { tx in try await tx.user(email: email) })
            let now = harness.clock.now()
            let account = try await harness.store.write { tx in
                try await tx.insertServiceAccount(ServiceAccount(
                    id: 0, uid: "SI0000000001", ownerID: owner.id, email: "bot@example.com", role: "service_account",
                    level: 1, state: "active", createdAt: now, updatedAt: now
                ))
            }
            func signIn() async throws -> Login {
                let response = try await client.send(.post, "/identity/sessions", json: [
                    "email": email, "password": strongPassword, "otp_code": authenticator.next(),
                ])
                return try response.login()
            }
            let routes = GateSweepTests.routes(harness.catalog, group: "resource")
                .filter { CSRFRule.stateChangingMethods.contains($0.method.rawValue) }
            var found: Set<String> = []
            for (method, path) in routes {
                let concrete = "/resource" + path.replacingOccurrences(of: "{kid}", with: "0123456789abcdef")
                    .replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "x")
                let login = try await signIn()
                let before = try await Self.failures(harness, email: email)
                let wrong = try await client.send(method, concrete, json: Self.wrongProofs(serviceAccount: account.uid), login: login)
                guard try await Self.failures(harness, email: email) > before else { continue }
                let route = "\(method.rawValue) \(path)"
                found.insert(route)
                #expect((400..<500).contains(wrong.status.code) && !wrong.errors.isEmpty, "\(route) with wrong proofs: \(wrong.text)")
                let alone = try await client.send(method, concrete, json: Self.passwordAlone(serviceAccount: account.uid),
                                                  login: try await signIn())
                #expect((400..<500).contains(alone.status.code) && !alone.errors.isEmpty,
                        "\(route) took the password alone from a 2FA user: \(alone.status) \(alone.text)")
            }
            #expect(found.isSuperset(of: Self.knownProofRoutes),
                    "routes that check a proof without counting it: \(Self.knownProofRoutes.subtracting(found).sorted())")
        }
    }

    @Test func aWaitingAccountIsRefusedBeforeAnyProofIsChecked() async throws {
        try await Harness.run({ $0.loginThrottleAccount = 2 }) { harness, client in
            let login = try await client.signup("solo@example.com")
            for _ in 0..<2 {
                let wrong = try await client.send(.post, "/passkeys/options".resourcePath, json: ["password": "Wrong-pass-9!"], login: login)
                #expect(wrong.errors == [ErrorKey.Passkey.invalidPassword])
            }
            // The third attempt from this address waits, whatever it carries. (The clock steps back, so a
            // loaded machine's slow request cannot outlast the one-second wait.)
            harness.clock.advance(-30)
            let right = try await client.send(.post, "/passkeys/options".resourcePath, json: ["password": strongPassword], login: login)
            #expect(right.status == .tooManyRequests && right.errors == [ErrorKey.Session.tooManyAttempts], "\(right.text)")
        }
    }
}

private extension String {
    var resourcePath: String { "/resource" + self }
}
