import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore
import PortcullisIntegrations

/// Passkey step-up: a challenge bound to the user, the session and one
/// action (for `otp_sign`, one payload), spent once, and accepted as
/// `webauthn` wherever the TOTP code is asked.
struct StepUpTests {
    /// The action each proof route's assertion must be for, and the key a failed assertion gets there.
    static let actions: [String: (action: StepUpAction, key: String)] = [
        "PUT /users/password": (.passwordChange, ErrorKey.ResourcePassword.invalidWebAuthn),
        "DELETE /users/me": (.accountDelete, ErrorKey.ResourceUser.invalidWebAuthn),
        "PUT /users/anti_phishing": (.antiPhishingSet, ErrorKey.ResourceUser.invalidWebAuthn),
        "DELETE /users/anti_phishing": (.antiPhishingClear, ErrorKey.ResourceUser.invalidWebAuthn),
        "POST /passkeys/options": (.passkeyCreate, ErrorKey.Passkey.invalidWebAuthn),
        "POST /otp/disable": (.otpDisable, ErrorKey.OTP.invalidWebAuthn),
        "POST /otp/recovery_codes": (.recoveryCodesCreate, ErrorKey.OTP.invalidWebAuthn),
        "POST /api_keys": (.apiKeyCreate, ErrorKey.APIKey.invalidWebAuthn),
        "PATCH /api_keys/{kid}": (.apiKeyUpdate, ErrorKey.APIKey.invalidWebAuthn),
        "DELETE /api_keys/{kid}": (.apiKeyDelete, ErrorKey.APIKey.invalidWebAuthn),
        "POST /service_accounts/api_keys": (.serviceAccountKeyCreate, ErrorKey.ServiceAccount.invalidWebAuthn),
        "PUT /service_accounts/api_keys/{kid}": (.serviceAccountKeyUpdate, ErrorKey.ServiceAccount.invalidWebAuthn),
        "DELETE /service_accounts/api_keys/{kid}": (.serviceAccountKeyDelete, ErrorKey.ServiceAccount.invalidWebAuthn),
    ]
    /// Proof routes a passkey does not stand in for: `otp/verify` checks a TOTP code and approves nothing.
    static let codeOnly: Set<String> = ["POST /otp/verify"]

    /// Found from the router's table: a new route that asks a code without taking `webauthn` fails here.
    @Test func everyProofRouteTakesAnAssertionForItsActionAndRefusesAnotherActions() async throws {
        try await Harness.run { harness, client in
            let walker = try await SecondFactorSweepTests.ProofUser.make("walker@example.com", harness, client)
            let found = try await SecondFactorSweepTests.proofRoutes(harness, client, user: walker)
            #expect(Set(found.map(\.name)).subtracting(Self.codeOnly) == Set(Self.actions.keys),
                    "proof routes without a step-up action: \(Set(found.map(\.name)).subtracting(Self.codeOnly).symmetricDifference(Self.actions.keys))")
            for (index, route) in found.enumerated() {
                guard let (action, key) = Self.actions[route.name] else { continue }
                // A user of its own: the right assertion really changes the password, deletes the account, …
                let user = try await SecondFactorSweepTests.ProofUser.make("user\(index)@example.com", harness, client)
                var passkey = try await SoftPasskey.add(for: user.email, harness)
                let login = try await user.signIn(client)
                let other: StepUpAction = action == .apiKeyCreate ? .apiKeyDelete : .apiKeyCreate
                var body = SecondFactorSweepTests.passwordAlone(serviceAccount: user.serviceAccount)
                if route.name == "PUT /users/anti_phishing" { body["code"] = "Blue harbor 42" }
                body["webauthn"] = try passkey.assertion(try await client.stepUpChallenge(other.rawValue, login: login))
                let refused = try await client.send(route.method, route.concrete, json: body, login: login)
                #expect(refused.status == .unprocessableContent && refused.errors == [key], "\(route.name), another action: \(refused.text)")

                body["webauthn"] = try passkey.assertion(try await client.stepUpChallenge(action.rawValue, login: login))
                let passed = try await client.send(route.method, route.concrete, json: body, login: login)
                // Past the proof: done, or refused for what follows it (an unknown kid, a pending holder).
                let proofKeys = passed.errors.filter { $0.contains("otp") || $0.contains("webauthn") || $0.contains("attempts") }
                #expect(passed.status.code < 300 || (passed.status.code < 500 && !passed.errors.isEmpty && proofKeys.isEmpty),
                        "\(route.name), its own action: \(passed.status) \(passed.text)")
            }
        }
    }

    @Test func aChallengeIsSpentOnceLivesFiveMinutesAndStaysWithItsSession() async throws {
        try await Harness.run { harness, client in
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            var passkey = try await SoftPasskey.add(for: "user@example.com", harness)
            func create(_ assertion: [String: Any], _ login: Login) async throws -> TestResponse {
                try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "webauthn": assertion], login: login)
            }
            let once = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            #expect(try await create(once, login).status == .created)
            let replayed = try await create(once, login)
            #expect(replayed.status == .unprocessableContent && replayed.errors == [ErrorKey.APIKey.invalidWebAuthn])

            let late = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            harness.clock.advance(StepUp.lifetime + 1)
            #expect(try await create(late, login).errors == [ErrorKey.APIKey.invalidWebAuthn], "expired")

            let other = try await client.send(.post, "/identity/sessions", json: [
                "email": "user@example.com", "password": strongPassword, "otp_code": authenticator.next(),
            ]).login()
            let elsewhere = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            #expect(try await create(elsewhere, other).errors == [ErrorKey.APIKey.invalidWebAuthn], "another session")
            let unverified = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login), verified: false)
            #expect(try await create(unverified, login).errors == [ErrorKey.APIKey.invalidWebAuthn], "no UV")
            // The id is the rawId, and a user handle, when sent, is the owner's.
            var renamed = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            renamed["id"] = "AAAA"
            #expect(try await create(renamed, login).errors == [ErrorKey.APIKey.invalidWebAuthn], "id is not rawId")
            var handed = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            handed["response"] = (handed["response"] as? [String: Any] ?? [:]).merging(["userHandle": "AAAA"]) { $1 }
            #expect(try await create(handed, login).errors == [ErrorKey.APIKey.invalidWebAuthn], "another handle")
            // At most ten pending: the eleventh drops the oldest.
            let oldest = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            for _ in 0..<StepUp.mostPending {
                harness.clock.advance(1)  // "oldest" by when it ends
                _ = try await client.stepUpChallenge("api_key.create", login: login)
            }
            #expect(try await create(oldest, login).errors == [ErrorKey.APIKey.invalidWebAuthn], "dropped")
            harness.clock.advance(61)  // the refusals above count as wrong codes do: the account waits
            let unreadable = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "webauthn": "{"], login: login)
            #expect(unreadable.errors == [ErrorKey.APIKey.invalidWebAuthn])

            // Every refusal is an activity row with its reason; none names a secret.
            let reasons = try await Self.activities(harness).filter { $0.action == "step_up api_key.create" && $0.result == "failed" }
                .map(\.data).joined(separator: "\n")
            for reason in ["challenge:", "other_session:", "not_verified:", "invalid:"] {
                #expect(reasons.contains(reason), "\(reason) in \(reasons)")
            }
        }
    }

    @Test func optionsRefuseUnknownActionsAndOTPSignWithoutItsPayload() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let none = try await client.send(.post, "/resource/passkeys/step_up/options", json: ["action": "api_key.create"], login: login)
            #expect(none.status == .notFound && none.errors == [ErrorKey.Passkey.doesntExist], "no passkey, nothing to ask")
            _ = try await SoftPasskey.add(for: "user@example.com", harness)
            for action: Any in ["withdraw", "", "API_KEY.CREATE", 5] {
                let refused = try await client.send(.post, "/resource/passkeys/step_up/options", json: ["action": action], login: login)
                #expect(refused.status == .unprocessableContent && refused.errors == [ErrorKey.Passkey.invalidAction], "\(action)")
            }
            let bare = try await client.send(.post, "/resource/passkeys/step_up/options", json: ["action": "otp_sign"], login: login)
            #expect(bare.errors == [ErrorKey.Passkey.missingPayload])
            let huge = try await client.send(.post, "/resource/passkeys/step_up/options",
                                             json: ["action": "otp_sign", "payload": String(repeating: "a", count: 20_000)], login: login)
            #expect(huge.errors == [ErrorKey.Passkey.invalidPayload])
            let options = try await client.send(.post, "/resource/passkeys/step_up/options",
                                                json: ["action": "otp_sign", "payload": "eyJhIjoxfQ"], login: login)
            #expect(options.status == .ok && options.headers[.cacheControl] == "no-store")
            let challenge = try #require(Base64URL.decode(options.json["challenge"] as? String ?? ""))
            #expect(challenge.count == 48 && Array(challenge.suffix(32)) == Array(SHA256.hash(data: Data("eyJhIjoxfQ".utf8))),
                    "16 random bytes, then SHA-256 of the payload")
            #expect(options.json["userVerification"] as? String == "required")
        }
    }

    /// Without TOTP a passkey still approves what it is sent for (the password change here).
    @Test func withoutTOTPAnAssertionSentIsStillChecked() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            var passkey = try await SoftPasskey.add(for: "user@example.com", harness)
            var body: [String: Any] = ["old_password": strongPassword, "new_password": "Vb7#rTq2!nWz", "confirm_password": "Vb7#rTq2!nWz"]
            body["webauthn"] = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            let refused = try await client.send(.put, "/resource/users/password", json: body, login: login)
            #expect(refused.errors == [ErrorKey.ResourcePassword.invalidWebAuthn])
            body["webauthn"] = try passkey.assertion(try await client.stepUpChallenge("password.change", login: login))
            #expect(try await client.send(.put, "/resource/users/password", json: body, login: login).status == .created)
        }
    }

    /// The front-end guide lists every route's action and key, and every otp/sign reason.
    @Test func theGuideListsEveryActionAndKey() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/second-factors.md")
        let rows = try String(contentsOf: path.standardized, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("| ") }
        for (route, (action, key)) in Self.actions {
            let path = route.replacingOccurrences(of: " /", with: " resource/")
            #expect(rows.contains { $0.contains("`\(path)`") && $0.contains("`\(action.rawValue)`") && $0.contains("`\(key)`") },
                    "\(route): \(action.rawValue), \(key)")
        }
        #expect(rows.contains { $0.contains("`otp_sign`") })
        for refusal in [StepUpRefusal.invalid, .challenge, .otherUser, .otherAction, .payloadMismatch, .notVerified, .cloned] {
            #expect(rows.contains { $0.contains("`\(ManagementOTPService.refusalKey(refusal))`") }, "\(refusal)")
        }
    }

    /// Every activity row: action, result and data.
    static func activities(_ harness: Harness) async throws -> [(action: String, result: String, data: String)] {
        try await harness.store.read { tx in
            guard let sql = tx as? SQLTransaction else { return [] }
            return try await sql.db.raw("SELECT action, result, COALESCE(data, '') AS data FROM activities ORDER BY id").all().map {
                (try $0.decode(column: "action", as: String.self), try $0.decode(column: "result", as: String.self),
                 try $0.decode(column: "data", as: String.self))
            }
        }
    }

    static func management() async throws -> (config: ManagementAPIConfig, keychain: ManagementKeychain) {
        var config = ManagementAPIConfig(keychain: ["applogic": ManagementRoutesTests.applogic.entry])
        config.scopes["otp_sign"] = .init(permittedSigners: ["applogic"], mandatorySigners: ["applogic"])
        return (config, try await ManagementKeychain.make(config: config, file: "test"))
    }

    /// otp/sign signs the payload the user's passkey approved and nothing else; each refusal names its reason.
    @Test func otpSignSignsExactlyTheApprovedPayload() async throws {
        try await Harness.run(management: try await Self.management()) { harness, client in
            let login = try await client.signup("user@example.com")
            let other = try await client.signup("other@example.com")
            var passkey = try await SoftPasskey.add(for: "user@example.com", harness)
            var stranger = try await SoftPasskey.add(for: "other@example.com", harness)
            let payload = Base64URL.encode(Array(#"{"amount":"1.5","currency":"btc","rid":"bc1qxy"}"#.utf8))
            func sign(_ assertion: [String: Any], payload: String = payload, uid: String = login.uid) async throws -> TestResponse {
                let data: [String: Any] = ["user_uid": uid, "webauthn": assertion, "jwt": ["payload": payload, "signatures": []]]
                let now = harness.clock.now()
                let body = try TestManagementSigner.body(ManagementRoutesTests.claims(data, now: now), [ManagementRoutesTests.applogic])
                return try await client.execute(uri: base + "/management/otp/sign", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            }
            func refusal(_ response: TestResponse) -> String { response.json["error"] as? String ?? response.text }

            let approved = try passkey.assertion(try await client.stepUpChallenge("otp_sign", payload: payload, login: login))
            let changed = Base64URL.encode(Array(#"{"amount":"150","currency":"btc","rid":"bc1qxy"}"#.utf8))
            #expect(refusal(try await sign(approved, payload: changed)) == "management.otp_sign.webauthn_payload_mismatch")
            #expect(refusal(try await sign(approved)) == "management.otp_sign.webauthn_challenge", "spent by the refusal")

            let theirs = try stranger.assertion(try await client.stepUpChallenge("otp_sign", payload: payload, login: other))
            #expect(refusal(try await sign(theirs)) == "management.otp_sign.webauthn_other_user")
            let forKeys = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            #expect(refusal(try await sign(forKeys)) == "management.otp_sign.webauthn_other_action")
            let unverified = try passkey.assertion(try await client.stepUpChallenge("otp_sign", payload: payload, login: login), verified: false)
            #expect(refusal(try await sign(unverified)) == "management.otp_sign.webauthn_not_verified")
            let late = try passkey.assertion(try await client.stepUpChallenge("otp_sign", payload: payload, login: login))
            harness.clock.advance(StepUp.lifetime + 1)
            #expect(refusal(try await sign(late)) == "management.otp_sign.webauthn_challenge")

            harness.clock.advance(61)  // six refusals made the account wait, as six wrong codes would
            let good = try passkey.assertion(try await client.stepUpChallenge("otp_sign", payload: payload, login: login))
            let signed = try await sign(good)
            #expect(signed.status == .created, "no TOTP needed with a passkey: \(signed.text)")
            let signatures = signed.json["signatures"] as? [[String: Any]] ?? []
            #expect(signatures.count == 1 && signed.json["payload"] as? String == payload)
            #expect(refusal(try await sign(good)) == "management.otp_sign.webauthn_challenge", "replayed")

            let rows = try await Self.activities(harness)
            #expect(rows.filter { $0.action == "otp sign" && $0.result == "succeed" }.count == 1)
            #expect(rows.filter { $0.action == "step_up otp_sign" && $0.result == "failed" }.count == 7, "\(rows.map(\.action))")
        }
    }
}
