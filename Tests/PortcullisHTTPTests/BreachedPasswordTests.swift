import Crypto
import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore

/// Breached passwords with the `file` list (takeover.md §P): refused on every
/// path that sets one and reported by `password/validate`; a sign-in with one
/// succeeds, is flagged in `users/me` and mailed at most once a day.
struct BreachedPasswordTests {
    static let breached = "Correct-Horse-9!"
    /// Seen once: under `password_breach_min_count` 2, not breached.
    static let rarelySeen = "Rarely-Seen-7?x"

    /// A sorted `HASH:COUNT` file holding the two passwords above among fillers.
    static func listFile() throws -> String {
        var lines = (0..<500).map { "filler-\($0)" }.map { (hex(of: $0), 5) }
        lines += [(hex(of: breached), 3), (hex(of: rarelySeen), 1)]
        let text = lines.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)\r\n" }.joined()
        let path = NSTemporaryDirectory() + "breach-list-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func hex(of password: String) -> String {
        Insecure.SHA1.hash(data: Data(password.utf8)).map { String(format: "%02X", $0) }.joined()
    }

    static func run(_ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void) async throws {
        let path = try listFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Harness.run({
            $0.passwordBreachCheck = .file; $0.passwordBreachFile = path; $0.passwordBreachMinCount = 2
        }, management: try await ManagementRoutesTests.management(), body)
    }

    @Test func aBreachedPasswordIsRefusedWhereverOneIsSet() async throws {
        try await Self.run { harness, client in
            let signup = try await client.send(.post, "/identity/users", json: ["email": "a@example.com", "password": Self.breached])
            #expect(signup.status == .unprocessableContent && signup.errors == [ErrorKey.Record.passwordBreached], "\(signup.text)")
            _ = try await client.signup("rare@example.com", password: Self.rarelySeen)  // below the minimum count
            for group in ["identity", "public"] {
                let found = try await client.send(.post, "/\(group)/password/validate", json: ["password": Self.breached])
                #expect(found.status == .created && found.json["breached"] as? Bool == true, "\(group): \(found.text)")
                let clean = try await client.send(.post, "/\(group)/password/validate", json: ["password": strongPassword])
                #expect(clean.json["breached"] as? Bool == false && clean.json["entropy"] != nil, "\(group): \(clean.text)")
            }

            let login = try await client.signup("user@example.com")
            let change = try await client.send(.put, "/resource/users/password", json: [
                "old_password": strongPassword, "new_password": Self.breached, "confirm_password": Self.breached,
            ], login: login)
            #expect(change.status == .unprocessableContent && change.errors == [ErrorKey.Record.passwordBreached], "\(change.text)")
            let activity = try await client.send(.get, "/resource/users/activity/password", login: login)
            #expect(activity.jsonArray.first?["data"] as? String == #"{"reason":"Password appears in a data breach"}"#)

            _ = try await client.send(.post, "/identity/users/password/generate_code", json: ["email": "user@example.com"])
            let mails = try await harness.mails(atLeast: 3)
            let resetToken = try #require(mails.lazy.compactMap { token(in: $0, parameter: "reset_token") }.first)
            let reset = try await client.send(.post, "/identity/users/password/confirm_code", json: [
                "reset_password_token": resetToken,
                "password": Self.breached, "confirm_password": Self.breached,
            ])
            #expect(reset.status == .unprocessableContent && reset.errors == [ErrorKey.Record.passwordBreached], "\(reset.text)")

            let now = harness.clock.now()
            let created = try await client.execute(
                uri: base + "/management/users", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: TestManagementSigner.body(
                    ManagementRoutesTests.claims(["email": "m@example.com", "password": Self.breached], now: now),
                    [ManagementRoutesTests.applogic]
                )))
            )
            let body = (try? JSONSerialization.jsonObject(with: Data(created.body.readableBytesView))) as? [String: Any]
            #expect(created.status == .unprocessableContent && body?["error"] as? [String] == ["Password breached"],
                    "\(String(buffer: created.body))")
        }
    }

    @Test func aSignInWithABreachedPasswordIsFlaggedAndMailedOnceADay() async throws {
        try await Self.run { harness, client in
            _ = try await client.signup("user@example.com")
            // A password set before the list knew it (an imported digest, say).
            let digest = await BcryptPasswordHasher(cost: 4, maxConcurrent: 1).hash(Self.breached)
            try await harness.store.write { tx in
                guard var user = try await tx.user(email: "user@example.com") else { return }
                user.passwordDigest = digest
                try await tx.updateUser(user)
            }
            func breachMails() async throws -> [(name: String, payload: String)] {
                try await harness.outboxEvents().filter { $0.name == EventName.passwordBreached }
            }
            let signedIn = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": Self.breached])
            #expect(signedIn.status == .ok && signedIn.json["password_breached"] as? Bool == true, "\(signedIn.text)")
            let me = try await client.send(.get, "/resource/users/me", login: try signedIn.login())
            #expect(me.json["password_breached"] as? Bool == true, "\(me.text)")
            #expect(try await breachMails().count == 1)
            let mail = try #require(try await harness.mails(atLeast: 2).last { $0.subject.hasSuffix("your password appears in a data breach") })
            #expect(token(in: mail, parameter: "freeze_token") != nil && mail.to == "user@example.com", "\(mail.text)")

            _ = try await client.login("user@example.com", password: Self.breached)
            #expect(try await breachMails().count == 1, "once a day")
            harness.clock.advance(BreachScreen.mailInterval + 1)
            let login = try await client.login("user@example.com", password: Self.breached)
            #expect(try await breachMails().count == 2, "a day later, again")

            // A new password lifts the flag, on whatever path it is set.
            let changed = try await client.send(.put, "/resource/users/password", json: [
                "old_password": Self.breached, "new_password": strongPassword, "confirm_password": strongPassword,
            ], login: login)
            #expect(changed.status == .created, "\(changed.text)")
            let clean = try await client.login("user@example.com")
            let after = try await client.send(.get, "/resource/users/me", login: clean)
            #expect(after.status == .ok && after.json["password_breached"] == nil, "\(after.text)")
        }
    }

    @Test func withoutAListNothingIsAskedOrShown() async throws {
        try await Harness.run { _, client in
            let validate = try await client.send(.post, "/identity/password/validate", json: ["password": Self.breached])
            #expect(validate.status == .created && validate.json["breached"] == nil, "\(validate.text)")
            let login = try await client.signup("user@example.com", password: Self.breached)
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect(me.json["password_breached"] == nil)
        }
    }

    /// A list that answers only when told to.
    final class HeldList: BreachedPasswordList, @unchecked Sendable {
        let released = AsyncStream<Void>.makeStream()
        func count(sha1 digest: [UInt8]) async throws -> Int {
            for await _ in released.stream { break }
            return 5
        }
    }

    /// Anonymous validations cannot take every lookup: past the advisory
    /// limit they answer without asking, while a password being set still asks.
    @Test func validationsPastTheLimitDoNotAsk() async throws {
        let list = HeldList()
        let screen = BreachScreen(list: list, source: "test", minCount: 1, failOpen: true, logger: .init(label: "test"))
        let held = (0..<BreachScreen.advisoryLimit).map { _ in Task { await screen.advises("anything") } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(await screen.advises("one more") == nil, "over the limit: not asked")
        let setting = Task { await screen.refuses("a new password") }
        for _ in 0...BreachScreen.advisoryLimit { list.released.continuation.yield() }
        #expect(await setting.value == true)
        for task in held { #expect(await task.value == true) }
        list.released.continuation.yield()
        Task { for _ in 0..<8 { list.released.continuation.yield(); try await Task.sleep(for: .milliseconds(20)) } }
        #expect(await screen.advises("again") == true, "below the limit again")
    }
}
