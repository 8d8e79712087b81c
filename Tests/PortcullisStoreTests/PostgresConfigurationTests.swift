import Foundation
import Logging
import PortcullisCore
import Testing
@testable import PortcullisStore

struct PostgresURLTests {
    @Test func readsEveryPartOfTheURL() throws {
        let c = try PostgresURL("postgres://app:p%40ss%2Fword@db.internal:6543/auth?sslmode=disable").client
        #expect(c.host == "db.internal")
        #expect(c.port == 6543)
        #expect(c.username == "app")
        #expect(c.password == "p@ss/word")
        #expect(c.database == "auth")
    }

    @Test func defaultsThePortAndAcceptsThePostgresqlScheme() throws {
        let c = try PostgresURL("postgresql://app@localhost/auth").client
        #expect(c.port == 5432)
        #expect(c.password == nil)
    }

    @Test(arguments: [
        "mysql://app@localhost/auth", "postgres://localhost/auth", "postgres://app@localhost/",
        "postgres://app@localhost/auth?sslmode=sometimes", "postgres://app@/auth",
    ])
    func refusesWhatNamesNoDatabase(_ url: String) {
        #expect(throws: DatabaseURLError.self) { try PostgresURL(url) }
    }
}

struct PostgresChangeFeedTests {
    let logger = Logger(label: "test")

    @Test func anotherInstanceReadsWhatOneSends() throws {
        let sender = PostgresChangeFeed(logger: logger)
        let receiver = PostgresChangeFeed(logger: logger)
        var changes = StoreChanges()
        changes.userIDs = [3, 9]
        changes.sessionHashes = ["ab"]
        changes.apiKeyIDs = ["kid1"]
        changes.restrictions = true
        let payload = sender.encode(changes)
        let received = try #require(receiver.decode(payload))
        #expect(received.userIDs == [3, 9] && received.sessionHashes == ["ab"] && received.apiKeyIDs == ["kid1"])
        #expect(received.restrictions && !received.enqueuedEvents && !received.everything)
        #expect(sender.decode(payload) == nil, "an instance applied its own changes at commit")
        #expect(receiver.decode("not json") == nil)
    }

    @Test func tooManyChangesTravelAsEverything() throws {
        let sender = PostgresChangeFeed(logger: logger)
        var changes = StoreChanges()
        changes.sessionHashes = Set((0..<200).map { String(repeating: "a", count: 60) + "\($0)" })
        let payload = sender.encode(changes)
        #expect(payload.utf8.count < 8_000)
        let received = try #require(PostgresChangeFeed(logger: logger).decode(payload))
        #expect(received.everything && received.sessionHashes.isEmpty)
    }
}
