import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
import PortcullisIntegrations
@testable import PortcullisStore
import SQLKit

/// The token in a mail's text part, as the API takes it back.
func token(in mail: MailMessage, parameter: String) -> String? {
    guard let range = mail.text.range(of: "\(parameter)=") else { return nil }
    return String(mail.text[range.upperBound...].prefix { $0 != "&" && !$0.isWhitespace })
}

struct FixedClock: ServerClock {
    let seconds: Int64
    func now() -> Int64 { seconds }
    func nowMilliseconds() -> Int64 { seconds * 1000 }
}

struct EmailConfirmationTests {
    @Test func signupMailsAConfirmationLinkThatActivatesTheUser() async throws {
        try await Harness.run({ $0.domain = "exchange.example" }) { harness, client in
            _ = try await client.signup("admin@example.com")
            #expect(await harness.deliverMail().isEmpty, "the first (superadmin) user gets no confirmation mail")
            let login = try await client.signup("new@example.com")
            let mails = try await harness.mails(atLeast: 1)
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.to == "new@example.com")
            #expect(mail.text.contains("https://exchange.example/accounts/confirmation?confirmation_token="))
            #expect(mail.text.contains("&lang=en"))
            let confirmation = try #require(token(in: mail, parameter: "confirmation_token"))

            let confirmed = try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": confirmation])
            #expect(confirmed.status == .created)
            #expect(confirmed.json["state"] as? String == "active")
            #expect(confirmed.json["level"] as? Int == 1)
            #expect((confirmed.json["csrf_token"] as? String)?.count == 20)
            let newCookie = try confirmed.login().cookie
            #expect(newCookie != login.cookie)

            let again = try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": confirmation])
            #expect(again.status == .unprocessableContent)
            #expect(again.errors == ["identity.user.active_or_doesnt_exist"])
            // Even when the user is pending again, the same token is spent.
            try await harness.setState("new@example.com", .pending)
            let reused = try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": confirmation])
            #expect(reused.errors == ["identity.user.utilized_token"])
        }
    }

    @Test func generateCodeAnswersTheSameForEveryAddress() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("admin@example.com")
            _ = try await client.signup("pending@example.com")
            _ = try await harness.mails(atLeast: 1)
            for email in ["pending@example.com", "nobody@example.com", "admin@example.com", "not an email"] {
                let response = try await client.send(.post, "/identity/users/email/generate_code", json: ["email": email])
                #expect(response.status == .created)
                #expect(response.text.isEmpty)
            }
            let mails = try await harness.mails(atLeast: 2)
            try await Task.sleep(for: .milliseconds(200))
            let all = await harness.deliverMail()
            #expect(mails.count == 2)
            #expect(all.map(\.to) == ["pending@example.com", "pending@example.com"])
            let missing = try await client.send(.post, "/identity/users/email/generate_code")
            #expect(missing.errors == ["identity.user.missing_email"])
            let blank = try await client.send(.post, "/identity/users/email/generate_code", json: ["email": ""])
            #expect(blank.errors == ["identity.user.empty_email"])
        }
    }

    @Test func badTokensGetTheirJWTWords() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("admin@example.com")
            _ = try await client.signup("user@example.com")
            let good = try await harness.mailToken(0, "confirmation_token")
            func confirm(_ token: String) async throws -> [String] {
                try await client.send(.post, "/identity/users/email/confirm_code", json: ["token": token]).errors
            }
            #expect(try await confirm("not-a-jwt") == ["jwt.decode_and_verify.segments"])
            #expect(try await confirm(TokenTampering.changedSignature(good)) == ["jwt.decode_and_verify.raised"])
            #expect(try await confirm(TokenTampering.respelledSignature(good)) == ["jwt.decode_and_verify.raised"])
            let parts = good.split(separator: ".")
            let hs256Header = Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8).base64EncodedString()
                .replacingOccurrences(of: "=", with: "")
            #expect(try await confirm("\(hs256Header).\(parts[1]).\(parts[2])") == ["jwt.decode_and_verify.algorithm"])

            let past = try await JWTOneTimeTokenSigner.make(privateKeyPEM: testPrivateKeyPEM, clock: SystemClock())
            let now = Int64(Date().timeIntervalSince1970)
            let expired = try await past.sign(OneTimeClaims(
                subject: "confirmation", email: "user@example.com", uid: "ID0000000000", jti: "0123456789abcdef0123",
                resetToken: nil, issuedAt: now - 7200, expiresAt: now - 3600
            ))
            #expect(try await confirm(expired) == ["jwt.decode_and_verify.expired"])
            let reset = try await past.sign(OneTimeClaims(
                subject: "reset", email: "user@example.com", uid: "ID0000000000", jti: "0123456789abcdef0124",
                resetToken: "x", issuedAt: now, expiresAt: now + 60
            ))
            #expect(try await confirm(reset) == ["jwt.decode_and_verify.reset"])
            let future = try await past.sign(OneTimeClaims(
                subject: "confirmation", email: "user@example.com", uid: "ID0000000000", jti: "0123456789abcdef0125",
                resetToken: nil, issuedAt: now + 600, expiresAt: now + 1200
            ))
            #expect(try await confirm(future) == ["jwt.decode_and_verify.iat"])
            let stranger = try await past.sign(OneTimeClaims(
                subject: "confirmation", email: "ghost@example.com", uid: "ID0000000000", jti: "0123456789abcdef0126",
                resetToken: nil, issuedAt: now, expiresAt: now + 60
            ))
            #expect(try await confirm(stranger) == ["identity.user.active_or_doesnt_exist"])
            #expect(try await client.send(.post, "/identity/users/email/confirm_code").errors == ["identity.user.missing_token"])
            #expect(try await confirm(" ") == ["identity.user.empty_token"])
        }
    }
}

struct OutboxTests {
    /// The outbox rows as stored, with the mail sink's attempts (test-only peek through the SQL transaction).
    func rows(_ harness: Harness) async throws -> [(id: Int64, attempts: Int, delivered: Bool, payload: String)] {
        try await harness.store.read { tx in
            guard let sql = tx as? SQLTransaction else { return [] }
            return try await sql.db.raw("""
                SELECT o.id, d.attempts, o.delivered_at, o.payload FROM outbox o
                JOIN outbox_deliveries d ON d.event_id = o.id AND d.sink = 'mail' WHERE o.name = 'system.user.email.confirmation.token'
                """)
                .all().map { row in
                    (try row.decode(column: "id", as: Int64.self), try row.decode(column: "attempts", as: Int.self),
                     try row.decode(column: "delivered_at", as: Int64?.self) != nil, try row.decode(column: "payload", as: String.self))
                }
        }
    }

    @Test func failedDeliveryIsRetriedAndDeliveredOnceWithItsTokenScrubbed() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("admin@example.com")
            harness.mailer.failing = true
            _ = try await client.signup("user@example.com")
            #expect(await harness.deliverMail().isEmpty)
            let failed = try #require(try await rows(harness).first)
            #expect(failed.attempts == 1 && !failed.delivered)
            #expect(failed.payload.contains("\"token\":\"ey"))
            harness.mailer.failing = false
            #expect(await harness.deliverMail().isEmpty, "not due before its backoff")
            try await harness.store.write { tx in
                try await tx.rescheduleDeliveries(sink: "mail", eventIDs: [failed.id], attempts: 1, nextAttemptAt: 0, error: "test")
            }
            #expect(await harness.deliverMail().count == 1)
            #expect(await harness.deliverMail().count == 1, "delivered exactly once")
            let delivered = try #require(try await rows(harness).first)
            #expect(delivered.delivered)
            #expect(!delivered.payload.contains("\"token\":\"ey"), "the token does not outlive delivery")
        }
    }
}
