import Foundation
import Logging
import PortcullisCore
import Testing
@testable import PortcullisStore

/// The counters are single upserts; these pin their window arithmetic (the
/// same SQL runs on PostgreSQL in the integration suite).
struct RateLimitTests {
    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        try await withTemporaryStore(readers: 1, body)
    }

    @Test func hitsCountWithinAWindowThatStartsAtTheFirstHit() async throws {
        try await withStore { store in
            func hit(_ now: Int64) async throws -> Int {
                try await store.write { tx in try await tx.hit(key: "otp:1", window: 300, now: now) }
            }
            #expect(try await hit(1_000) == 1)
            #expect(try await hit(1_100) == 2)
            #expect(try await hit(1_299) == 3)
            #expect(try await hit(1_300) == 1, "the window of 1000 ended at 1300")
            #expect(try await store.write { tx in try await tx.hit(key: "otp:2", window: 300, now: 1_300) } == 1)
            try await store.write { tx in try await tx.clearHits(key: "otp:1") }
            #expect(try await hit(1_301) == 1)
        }
    }

    @Test func aSlotIsTakenOncePerInterval() async throws {
        try await withStore { store in
            func claim(_ now: Int64) async throws -> Bool {
                try await store.write { tx in try await tx.claimSlot(key: "sms:7", interval: 60, now: now) }
            }
            var taken: [Bool] = []
            for now: Int64 in [100, 159, 160, 161] { taken.append(try await claim(now)) }
            #expect(taken == [true, false, true, false])
        }
    }

    @Test func aNonceIsAcceptedOncePerKey() async throws {
        try await withStore { store in
            func accept(_ pairs: [(String, Int64)]) async throws -> [Bool] {
                let records = pairs.map { NonceRecord(kid: $0.0, nonce: $0.1, expireAt: 5_000) }
                return try await store.write { tx in try await tx.acceptNonces(records) }
            }
            #expect(try await accept([("k1", 1_000)]) == [true])
            #expect(try await accept([("k1", 1_000), ("k2", 1_000), ("k2", 1_000), ("k1", 1_001)]) == [false, true, false, true],
                    "a replay, a new key, the same pair twice in one batch, a new nonce")
            try await store.write { tx in try await tx.deleteExpiredLimits(nowMS: 5_000, idleBefore: 0) }
            #expect(try await accept([("k1", 1_000)]) == [true], "expired records are swept")
        }
    }
}
