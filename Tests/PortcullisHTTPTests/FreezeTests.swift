import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore
import PortcullisIntegrations

/// "This wasn't me": every security mail carries a freeze link; the link, or
/// the password from a signed-in device, freezes the account in one go.
struct FreezeTests {
    /// Every security notice of takeover.md §F but the new-device alert (with the devices).
    @Test func everySecurityMailCarriesAFreezeLinkThatFreezesTheAccount() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("root@example.com")
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            var passkey = try await SoftPasskey.add(for: "user@example.com", harness)
            let made = try await client.send(.post, "/resource/otp/recovery_codes", json: ["code": authenticator.next()], login: login)
            let codes = try #require(made.json["codes"] as? [String])
            _ = try await client.send(.post, "/identity/sessions",
                                      json: ["email": "user@example.com", "password": strongPassword, "recovery_code": codes[0]])
            try await Self.verifyEmail("user@example.com", harness)
            let key = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": authenticator.next()],
                                            login: login)
            #expect(key.status == .created, "\(key.text)")
            let options = try await client.send(.post, "/resource/passkeys/options",
                                                json: ["webauthn": try passkey.assertion(try await client.stepUpChallenge("passkey.create", login: login))],
                                                login: login)
            #expect(options.status == .ok, "\(options.text)")
            _ = try await client.send(.put, "/resource/users/password", json: [
                "old_password": strongPassword, "new_password": "Vb7#rTq2!nWz", "confirm_password": "Vb7#rTq2!nWz",
                "otp_code": authenticator.next(),
            ], login: login)
            _ = try await client.send(.post, "/resource/otp/disable", json: ["code": authenticator.next()], login: login)

            let expected = ["two-factor authentication was turned on", "new recovery codes were made", "a recovery code was used",
                            "a new API key was created", "your password was changed", "two-factor authentication was turned off"]
            let mails = try await harness.mails(atLeast: expected.count).filter { $0.to == "user@example.com" }
            for subject in expected {
                let mail = mails.first { $0.subject.hasSuffix(subject) }
                #expect(mail.flatMap { token(in: $0, parameter: "freeze_token") } != nil, "\(subject): \(mails.map(\.subject))")
                #expect(mail?.html.contains("/accounts/freeze?freeze_token=") == true, "\(subject) HTML")
            }
            // The link works without a session, once; a frozen account answers the same.
            let link = try #require(mails.lazy.compactMap { token(in: $0, parameter: "freeze_token") }.first)
            let frozen = try await client.send(.post, "/identity/users/freeze", json: ["token": link])
            #expect(frozen.status == .created && frozen.text == "{}", "\(frozen.text)")
            #expect(try await client.send(.post, "/identity/users/freeze", json: ["token": link]).status == .created)
            #expect(try await client.send(.get, "/resource/users/me", login: login).status == .unauthorized, "every session ended")
            let signIn = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": "Vb7#rTq2!nWz"])
            #expect(signIn.errors == [ErrorKey.Session.notActive])
            let notices = try await harness.mails(atLeast: expected.count + 1).filter { $0.subject.hasSuffix("your account is frozen") }
            #expect(notices.count == 1 && !notices[0].text.contains("freeze_token"), "said once, without a link")
            let events = try await harness.outboxEvents().filter { $0.name == EventName.accountFrozen }
            #expect(events.count == 1 && events[0].payload.contains(#""reason":"user""#), "\(events)")

            // An operator unfreezes; the key stays disabled; the old link is spent.
            let root = try await client.login("root@example.com")
            let unfrozen = try await client.send(.put, "/admin/users", json: ["uid": login.uid, "state": "active"], login: root)
            #expect(unfrozen.status == .ok, "\(unfrozen.text)")
            let me = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": "Vb7#rTq2!nWz"])
            #expect(me.status == .ok && me.json["state"] as? String == "active", "signs in again: \(me.text)")
            let keys = try await harness.store.read { tx in
                let id = try await tx.user(email: "user@example.com")?.id ?? 0
                return try await tx.apiKeys(holderType: "user", holderID: id, page: APIKeyPage(orderBy: "id", ascending: true, page: 1, limit: 10))
            }.rows
            #expect(keys.count == 1 && keys[0].state == "disabled")
            let reused = try await client.send(.post, "/identity/users/freeze", json: ["token": link])
            #expect(reused.errors == [ErrorKey.Identity.utilizedToken])
        }
    }

    /// A freeze token is its own kind: useless as a confirmation or reset token, and those are useless here.
    @Test func aFreezeTokenIsNothingElseAndNothingElseIsOne() async throws {
        try await Harness.run { harness, client in
            let login = try await client.signup("user@example.com")
            let token = try await harness.composition.identity.freeze.token(email: "user@example.com", uid: login.uid)
            let confirm = try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": token])
            #expect(confirm.errors == ["jwt.decode_and_verify.freeze"], "\(confirm.text)")
            let reset = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": token, "password": "Vb7#rTq2!nWz", "confirm_password": "Vb7#rTq2!nWz",
            ])
            #expect(reset.status == .unprocessableContent && reset.errors.first?.hasPrefix("jwt.decode_and_verify") == true, "\(reset.text)")
            let signer = try await JWTOneTimeTokenSigner.make(privateKeyPEM: testPrivateKeyPEM, clock: harness.clock)
            let now = harness.clock.now()
            for subject in ["confirmation", "reset"] {
                let other = try await signer.sign(OneTimeClaims(subject: subject, email: "user@example.com", uid: login.uid,
                                                                jti: SecureRandom.hex(bytes: 10), resetToken: "x", issuedAt: now,
                                                                expiresAt: now + 600))
                let refused = try await client.send(.post, "/identity/users/freeze", json: ["token": other])
                #expect(refused.errors == ["jwt.decode_and_verify.\(subject)"], "\(refused.text)")
            }
            #expect(try await client.send(.get, "/resource/users/me", login: login).status == .ok, "nothing frozen by another kind")

            // An operator's ban is never swapped for a freeze (which an unfreeze would lift).
            try await harness.store.write { tx in
                guard var user = try await tx.user(email: "user@example.com") else { return }
                let old = user
                user.state = .banned
                try await UserWriter(rules: UserStatusRules(activationRequirements: []), events: nil).save(user, was: old, in: tx, now: 0)
                try await tx.holdState(userID: user.id, .banned, now: 0)
            }
            let onBanned = try await client.send(.post, "/identity/users/freeze", json: ["token": token])
            #expect(onBanned.status == .created && onBanned.text == "{}")
            let banned = try await harness.store.read { tx in try await tx.user(email: "user@example.com") }
            let hold = try await harness.store.read { tx in try await tx.heldState(userID: banned?.id ?? 0) }
            #expect(banned?.state == .banned && hold == .banned)
        }
    }

    static func verifyEmail(_ email: String, _ harness: Harness) async throws {
        try await harness.store.write { tx in
            guard let user = try await tx.user(email: email) else { return }
            _ = try await UserWriter(rules: UserStatusRules(activationRequirements: ["email"]), events: nil)
                .setPrivateLabel("email", "verified", on: user, in: tx, now: harness.clock.now())
        }
    }

    @Test func theOwnerFreezesFromASignedInDeviceWithThePassword() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("root@example.com")
            let (login, authenticator) = try await client.signupWithTwoFactor("user@example.com", clock: harness.clock)
            let other = try await client.send(.post, "/identity/sessions", json: [
                "email": "user@example.com", "password": strongPassword, "otp_code": authenticator.next(),
            ], userAgent: "another browser").login()
            var passkey = try await SoftPasskey.add(for: "user@example.com", harness)
            _ = try passkey.assertion(try await client.stepUpChallenge("api_key.create", login: login))
            try await Self.verifyEmail("user@example.com", harness)
            let key = try await client.send(.post, "/resource/api_keys", json: ["algorithm": "HS256", "totp_code": authenticator.next()],
                                            login: login)
            #expect(key.status == .created, "\(key.text)")
            let wrong = try await client.send(.post, "/resource/users/freeze", json: ["password": "Wrong-pass-9!"], login: login)
            #expect(wrong.errors == [ErrorKey.ResourceUser.invalidPassword])
            let missing = try await client.send(.post, "/resource/users/freeze", json: [:], login: login)
            #expect(missing.errors == ["resource.user.missing_password"])
            // The password alone, even with 2FA on: freezing only takes power away.
            let frozen = try await client.send(.post, "/resource/users/freeze", json: ["password": strongPassword], login: login)
            #expect(frozen.status == .created && frozen.text == "{}", "\(frozen.text)")
            let count = try await harness.store.read { tx -> Int in
                guard let sql = tx as? SQLTransaction else { return -1 }
                return try await sql.db.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(count <= 1, "only the root's session is left: \(count)")
            #expect(try await client.send(.get, "/resource/users/me", login: other).status == .unauthorized)
            let challenges = try await harness.store.read { tx -> Int in
                guard let sql = tx as? SQLTransaction else { return -1 }
                return try await sql.db.raw("SELECT COUNT(*) AS n FROM webauthn_challenges WHERE purpose = 'step_up'").first()?
                    .decode(column: "n", as: Int.self) ?? -1
            }
            #expect(challenges == 0, "pending step-up challenges dropped")
            let rows = try await StepUpTests.activities(harness).filter { $0.action == "freeze" }
            #expect(rows.count == 1 && rows[0].result == "succeed")
            let user = try await harness.store.read { tx in try await tx.user(email: "user@example.com") }
            #expect(user?.state == .locked)
            let states = try await harness.store.read { tx in
                try await tx.apiKeys(holderType: "user", holderID: user?.id ?? 0,
                                     page: APIKeyPage(orderBy: "id", ascending: true, page: 1, limit: 10)).rows.map(\.state)
            }
            #expect(states == ["disabled"], "\(states)")
            let held = try await harness.store.read { tx in try await tx.heldState(userID: user?.id ?? 0) }
            #expect(held == .locked, "held as an operator's state is: labels cannot lift it")
        }
    }
}
