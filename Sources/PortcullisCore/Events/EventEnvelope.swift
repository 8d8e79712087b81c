import Foundation

/// The body every sink but mail sends: a JWS in general JSON
/// serialization with exactly one RS256 signature (kid `barong`) by the
/// server key, over the claims `iss`, `jti`, `iat`, `exp` = iat + 3600 and
/// `event` = `{record, changes?, name}` (Barong puts `name` last). `iat` is
/// the time of sending, so an event that waited out an outage is not
/// expired on arrival; `jti` is the event's own, the same on every resend.
public struct EventEnvelope: Sendable {
    let signer: any ServerSigner
    let clock: any ServerClock
    static let lifetime: Int64 = 3_600
    static let protected = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8))

    public init(signer: any ServerSigner, clock: any ServerClock) { self.signer = signer; self.clock = clock }

    public func body(for event: OutboxMessage) async throws -> [UInt8] {
        let now = clock.now()
        // The record and changes are JSON texts this server wrote; they are spliced in as they are.
        var claims = #"{"iss":"# + JSONText.string(BarongNames.issuer) + #","jti":"# + JSONText.string(event.jti)
        claims += #","iat":\#(now),"exp":\#(now + Self.lifetime),"#
        claims += #""event":{"record":"# + event.payload
        if let changes = event.changes { claims += #","changes":"# + changes }
        claims += #","name":"# + JSONText.string(event.name) + "}}"
        let payload = Base64URL.encode(Array(claims.utf8))
        let signature = try await signer.sign(Array("\(Self.protected).\(payload)".utf8))
        let body = #"{"payload":""# + payload + #"","signatures":[{"protected":""# + Self.protected
            + #"","header":{"kid":"# + JSONText.string(BarongNames.issuer) + #"},"signature":""# + Base64URL.encode(signature) + #""}]}"#
        return Array(body.utf8)
    }

    /// The bodies of a batch, signed on every core at once (RS256 signing is
    /// what publishing spends its time on), in order; stops at the first
    /// event that cannot be signed and returns its error.
    public func bodies(for events: [OutboxMessage]) async -> (bodies: [[UInt8]], error: (any Error)?) {
        let signed = await withTaskGroup(of: Signed.self) { group in
            for (index, event) in events.enumerated() {
                group.addTask {
                    do { return Signed(index: index, body: try await self.body(for: event)) } catch { return Signed(index: index, error: error) }
                }
            }
            var all: [Signed] = []
            while let one = await group.next() { all.append(one) }
            return all.sorted { $0.index < $1.index }
        }
        var bodies: [[UInt8]] = []
        for one in signed {
            guard let body = one.body else { return (bodies, one.error) }
            bodies.append(body)
        }
        return (bodies, nil)
    }

    struct Signed: Sendable {
        var index: Int
        var body: [UInt8]?
        var error: (any Error)?
    }
}
