import Foundation
import Testing
@testable import PortcullisCore

struct EventEnvelopeTests {
    struct FixedSigner: ServerSigner {
        func sign(_ signingInput: [UInt8]) async throws -> [UInt8] { Array(signingInput.suffix(3)) }
    }

    struct FixedClock: ServerClock {
        func now() -> Int64 { 1_700_000_000 }
        func nowMilliseconds() -> Int64 { now() * 1000 }
    }

    @Test func theBodyIsOneSignatureOverBarongsClaimsWithNameLast() async throws {
        let envelope = EventEnvelope(signer: FixedSigner(), clock: FixedClock())
        let event = OutboxMessage(id: 7, name: "model.label.updated", payload: #"{"key":"email","value":"verified"}"#,
                                  changes: #"{"value":"pending"}"#, jti: "3f0c", attempts: 0)
        let body = try await envelope.body(for: event)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let signatures = try #require(document["signatures"] as? [[String: Any]])
        #expect(signatures.count == 1 && (signatures[0]["header"] as? [String: String]) == ["kid": "barong"])
        #expect(Base64URL.decode(signatures[0]["protected"] as? String ?? "") == Array(#"{"alg":"RS256"}"#.utf8))
        let payload = try #require(Base64URL.decode(document["payload"] as? String ?? ""))
        let text = String(decoding: payload, as: UTF8.self)
        #expect(text == #"{"iss":"barong","jti":"3f0c","iat":1700000000,"exp":1700003600,"event":{"record":{"key":"email","value":"verified"},"changes":{"value":"pending"},"name":"model.label.updated"}}"#)
    }

    @Test func webhookFiltersTakeNamesAndPrefixes() {
        let filter = EventFilter(["system.user.", "model.label.created"])
        #expect(filter.matches("system.user.email.confirmed") && filter.matches("model.label.created"))
        #expect(!filter.matches("model.label.updated") && !filter.matches("system.session.create"))
        #expect(EventFilter(["*"]).matches("anything"))
    }

    @Test func webhooksAreValidatedAtStartUp() throws {
        let good = #"[{"url": "https://hooks.example/x", "events": ["system."], "secret": "s"}]"#
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_EVENT_WEBHOOKS": good])
        #expect(config.eventWebhooks == [EventWebhook(url: "https://hooks.example/x", events: ["system."], secret: "s")])
        for bad in [#"[{"url": "ftp://x", "events": ["a"], "secret": "s"}]"#, #"[{"url": "https://x", "events": [], "secret": "s"}]"#,
                    #"{"url": "https://x"}"#, "not json"] {
            #expect(throws: ConfigError.self) { try ConfigLoader().load(file: nil, environment: ["BARONG_EVENT_WEBHOOKS": bad]) }
        }
        let url = try ConfigLoader().load(file: nil, environment: ["EVENT_API_RABBITMQ_URL": "amqp://u:p@broker:5673/%2Fx"])
        #expect(url.eventAPIRabbitMQURL == "amqp://u:p@broker:5673/%2Fx")
        #expect(throws: ConfigError.self) { try ConfigLoader().load(file: nil, environment: ["EVENT_API_RABBITMQ_URL": "http://x"]) }
    }

    struct FailingSigner: ServerSigner {
        struct Refused: Error {}
        /// Refuses the signing input of the event whose jti is "e5".
        func sign(_ signingInput: [UInt8]) async throws -> [UInt8] {
            let payload = String(decoding: signingInput.split(separator: UInt8(ascii: ".")).last ?? [], as: UTF8.self)
            let claims = String(decoding: Base64URL.decode(payload) ?? [], as: UTF8.self)
            if claims.contains(#""jti":"e5""#) { throw Refused() }
            return [1]
        }
    }

    @Test func aBatchIsSignedInOrderAndStopsAtTheFirstFailure() async throws {
        let events = (0..<12).map { OutboxMessage(id: Int64($0), name: "model.user.created", payload: "{}", jti: "e\($0)", attempts: 0) }
        let all = await EventEnvelope(signer: FixedSigner(), clock: FixedClock()).bodies(for: events)
        #expect(all.error == nil && all.bodies.count == 12)
        for (index, body) in all.bodies.enumerated() {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let claims = String(decoding: Base64URL.decode(document["payload"] as? String ?? "") ?? [], as: UTF8.self)
            #expect(claims.contains(#""jti":"e\#(index)""#))
        }
        let some = await EventEnvelope(signer: FailingSigner(), clock: FixedClock()).bodies(for: events)
        #expect(some.bodies.count == 5 && some.error is FailingSigner.Refused)
    }
}
