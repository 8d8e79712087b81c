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
        "POST /otp/recovery_codes", "PUT /users/anti_phishing", "DELETE /users/anti_phishing",
    ]

    /// The one route where the password alone is enough with 2FA on: freezing only takes
    /// power away, and an owner whose phone was stolen must still be able to (FreezeTests).
    static let passwordAloneSuffices: Set<String> = ["POST /users/freeze"]

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

    /// A 2FA user with a service account, and a fresh 2FA sign-in for each request.
    struct ProofUser {
        let email: String
        let authenticator: Authenticator
        let serviceAccount: String

        static func make(_ email: String, _ harness: Harness, _ client: any TestClientProtocol) async throws -> ProofUser {
            let (_, authenticator) = try await client.signupWithTwoFactor(email, clock: harness.clock)
            let owner = try #require(try await harness.store.read { tx in try await tx.user(email: email) })
            let now = harness.clock.now()
            let account = try await harness.store.write { tx in
                try await tx.insertServiceAccount(ServiceAccount(
                    id: 0, uid: "SI" + String(format: "%010X", owner.id), ownerID: owner.id, email: "bot\(owner.id)@example.com",
                    role: "service_account", level: 1, state: "active", createdAt: now, updatedAt: now
                ))
            }
            return ProofUser(email: email, authenticator: authenticator, serviceAccount: account.uid)
        }

        func signIn(_ client: any TestClientProtocol) async throws -> Login {
            let response = try await client.send(.post, "/identity/sessions", json: [
                "email": email, "password": strongPassword, "otp_code": authenticator.next(),
            ])
            return try response.login()
        }
    }

    /// A proof route as the router lists it, with a path it can be called on.
    struct ProofRoute {
        let method: HTTPRequest.Method
        let path: String
        let concrete: String
        var name: String { "\(method.rawValue) \(path)" }
    }

    /// Walks every state-changing resource route the router registered and
    /// keeps those where wrong proofs move the account's failure count.
    static func proofRoutes(_ harness: Harness, _ client: any TestClientProtocol, user: ProofUser) async throws -> [ProofRoute] {
        var found: [ProofRoute] = []
        for (method, path) in GateSweepTests.routes(harness.catalog, group: "resource")
            where CSRFRule.stateChangingMethods.contains(method.rawValue) {
            guard !passwordAloneSuffices.contains("\(method.rawValue) \(path)") else { continue }
            let concrete = "/resource" + path.replacingOccurrences(of: "{kid}", with: "0123456789abcdef")
                .replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "x")
            let login = try await user.signIn(client)
            let before = try await failures(harness, email: user.email)
            let wrong = try await client.send(method, concrete, json: wrongProofs(serviceAccount: user.serviceAccount), login: login)
            guard try await failures(harness, email: user.email) > before else { continue }
            let route = ProofRoute(method: method, path: path, concrete: concrete)
            #expect((400..<500).contains(wrong.status.code) && !wrong.errors.isEmpty, "\(route.name) with wrong proofs: \(wrong.text)")
            found.append(route)
        }
        return found
    }

    @Test func everyRouteThatChecksAProofCountsItAndRefusesThePasswordAlone() async throws {
        try await Harness.run { harness, client in
            let user = try await ProofUser.make("owner@example.com", harness, client)
            let found = try await Self.proofRoutes(harness, client, user: user)
            for route in found {
                let alone = try await client.send(route.method, route.concrete, json: Self.passwordAlone(serviceAccount: user.serviceAccount),
                                                  login: try await user.signIn(client))
                #expect((400..<500).contains(alone.status.code) && !alone.errors.isEmpty,
                        "\(route.name) took the password alone from a 2FA user: \(alone.status) \(alone.text)")
            }
            let names = Set(found.map(\.name))
            #expect(names.isSuperset(of: Self.knownProofRoutes),
                    "routes that check a proof without counting it: \(Self.knownProofRoutes.subtracting(names).sorted())")
        }
    }

    /// The right password before a wrong code is half a proof: it must not
    /// wipe the count, or the code could be guessed without limit behind it.
    @Test func aRightPasswordDoesNotClearTheCountOfWrongCodes() async throws {
        try await Harness.run { harness, client in
            let (login, _) = try await client.signupWithTwoFactor("owner@example.com", clock: harness.clock)
            let routes: [(HTTPRequest.Method, String, [String: Any])] = [
                (.put, "/resource/users/password", ["old_password": strongPassword, "new_password": Self.otherPassword,
                                                    "confirm_password": Self.otherPassword, "otp_code": "000000"]),
                (.delete, "/resource/users/me", ["password": strongPassword, "otp_code": "000000"]),
                (.post, "/identity/sessions", ["email": "owner@example.com", "password": strongPassword, "otp_code": "000000"]),
            ]
            for (method, path, body) in routes {
                var answers: [String] = []
                for _ in 0..<7 {
                    answers.append(try await client.send(method, path, json: body, login: login).errors.joined())
                }
                #expect(answers.last == ErrorKey.Session.tooManyAttempts, "\(method) \(path): \(answers)")
                harness.clock.advance(120)  // the wait runs out before the next route
                _ = try await client.send(.post, "/identity/sessions", json: ["email": "x@example.com", "password": "x"])
            }
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
