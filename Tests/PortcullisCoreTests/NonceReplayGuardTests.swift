import Testing
@testable import PortcullisCore

/// The in-memory nonce ledger (SQLite): two generations, nothing scanned.
struct NonceReplayGuardTests {
    let lifetime: Int64 = 1_000

    func accept(_ guard_: NonceReplayGuard, _ kid: String, _ nonce: Int64, at now: Int64) -> Bool {
        guard_.accept(kid: kid, nonce: nonce, until: now + lifetime, now: now)
    }

    @Test func aPairIsRefusedUntilItExpiresAcrossGenerations() {
        let ledger = NonceReplayGuard()
        #expect(accept(ledger, "k1", 5, at: 0))
        #expect(!accept(ledger, "k1", 5, at: 1), "a replay")
        #expect(accept(ledger, "k2", 5, at: 1), "another key's nonce")
        #expect(accept(ledger, "k1", 6, at: 999), "accepted just before the first generation ends")
        #expect(accept(ledger, "k1", 7, at: 1_000), "rotates: the first generation becomes the previous one")
        #expect(!accept(ledger, "k1", 6, at: 1_500), "still remembered from the previous generation")
        #expect(!accept(ledger, "k1", 7, at: 1_999))
        #expect(accept(ledger, "k1", 6, at: 2_000), "expired at 1,999: accepted again")
        #expect(accept(ledger, "k1", 9, at: 50_000), "after a long quiet both generations go")
        #expect(accept(ledger, "k1", 7, at: 50_001))
    }
}
