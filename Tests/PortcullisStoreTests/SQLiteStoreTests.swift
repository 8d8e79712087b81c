import Foundation
import Logging
import PortcullisCore
import Testing
@testable import PortcullisStore

struct SQLiteStoreTests {
    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        try await withTemporaryStore(body)
    }

    func newUser(_ email: String, username: String? = nil) -> NewUser {
        NewUser(uid: UIDGenerator(prefix: "ID").next(), email: email, username: username, passwordDigest: "x",
                role: "member", state: .pending, referralID: nil, data: nil, now: 1_600_000_000)
    }

    @Test func migrationsApplyOnceAndRecordThemselves() async throws {
        try await withStore { store in
            let again = try await store.migrate()
            #expect(again.isEmpty)
            let levels = try await store.read { tx in try await tx.levels() }
            #expect(levels.map(\.key) == ["email", "phone", "document"])
        }
    }

    @Test func aFailedTransactionLeavesNothingBehind() async throws {
        try await withStore { store in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.write { tx in
                    _ = try await tx.insertUser(newUser("half@example.com"))
                    throw Boom()
                }
            }
            let count = try await store.read { tx in try await tx.countUsers() }
            #expect(count == 0)
        }
    }

    @Test func uniqueEmailIsCaseInsensitiveAndMapped() async throws {
        try await withStore { store in
            _ = try await store.write { tx in try await tx.insertUser(newUser("dup@example.com")) }
            await #expect(throws: DuplicateRecord.self) {
                _ = try await store.write { tx in try await tx.insertUser(newUser("DUP@example.com")) }
            }
            await #expect {
                _ = try await store.write { tx in try await tx.insertUser(newUser("third@example.com", username: "same")) }
                _ = try await store.write { tx in try await tx.insertUser(newUser("fourth@example.com", username: "SAME")) }
            } throws: { ($0 as? DuplicateRecord)?.field == "username" }
        }
    }

    @Test func fullInfoReadsEveryPartInOrder() async throws {
        try await withStore { store in
            let user = try await store.write { tx in
                let referrer = try await tx.insertUser(newUser("ref@example.com"))
                var user = newUser("full@example.com")
                user.referralID = referrer.id
                let created = try await tx.insertUser(user)
                try await tx.upsertLabel(userID: created.id, key: "email", value: "verified", scope: "private", now: 10)
                try await tx.upsertLabel(userID: created.id, key: "tier", value: "gold", scope: "public", now: 11)
                try await tx.upsertLabel(userID: created.id, key: "tier", value: "silver", scope: "public", now: 12)
                return created
            }
            let info = try await store.read { tx in try await tx.fullInfo(of: user) }
            #expect(info.referralUID != nil)
            #expect(info.labels.map(\.key) == ["email", "tier"])
            #expect(info.labels.last?.value == "silver")
            #expect(info.labels.last?.createdAt == 11 && info.labels.last?.updatedAt == 12)
            #expect(info.phones.isEmpty && info.profiles.isEmpty && info.dataStorages.isEmpty)
        }
    }

    @Test func sessionsOfAUserEndTogetherExceptTheKeptOne() async throws {
        try await withStore { store in
            let user = try await store.write { tx in try await tx.insertUser(newUser("s@example.com")) }
            for hash in ["a", "b", "c"] {
                try await store.write { tx in
                    try await tx.insertSession(SessionRecord(idHash: hash, userID: user.id, csrfToken: "t", userIP: "1.2.3.4",
                                                             userAgent: "ua", expireAt: 100, hardExpireAt: 200, createdAt: 1,
                                                             publicID: "public-" + hash))
                }
            }
            let count = try await store.write { tx in try await tx.deleteSessions(userID: user.id, keeping: "b", now: 1_700_000_000) }
            #expect(count == 2)
            let ended = try await store.read { tx in try await tx.session(idHash: "a") }
            #expect(ended == nil)
            let kept = try await store.read { tx in try await tx.sessionWithUser(idHash: "b") }
            #expect(kept?.0.userAgent == "ua" && kept?.1.email == "s@example.com")
            try await store.write { tx in try await tx.deleteExpiredSessions(now: 100) }
            let expired = try await store.read { tx in try await tx.session(idHash: "b") }
            #expect(expired == nil)
        }
    }

    @Test func statementSplitterKeepsQuotedSemicolons() {
        let parts = SQLStatementSplitter.split("-- a; comment\nCREATE TABLE t (a TEXT);\nINSERT INTO t VALUES ('x;y');\n")
        #expect(parts == ["CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('x;y')"])
    }
}
