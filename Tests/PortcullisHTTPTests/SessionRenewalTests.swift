import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct SessionRenewalTests {
    @Test func theWriteStepIsRelativeToTheLifetime() {
        #expect(SessionService.renewalStep(expireTime: 1800) == 5, "the default keeps its write savings")
        #expect(SessionService.renewalStep(expireTime: 3) == 1 && SessionService.renewalStep(expireTime: 36_000) == 100)
    }

    @Test func aShortSessionInContinuousUseStaysAlive() async throws {
        // 4 s lifetime, used every 2 s; the clock is frozen so a slow machine cannot stretch a step.
        try await Harness.run({ $0.sessionExpireTime = 4; $0.authCacheTTL = 0 }) { harness, client in
            harness.clock.freeze()
            let login = try await client.signup("user@example.com")
            for _ in 0..<4 {
                harness.clock.advance(2)
                let me = try await client.send(.get, "/resource/users/me", login: login)
                #expect(me.json["email"] as? String == "user@example.com")
            }
            // Unused for longer than its lifetime, it ends (an expired session fails the binding check).
            harness.clock.advance(5)
            #expect(try await client.send(.get, "/resource/users/me", login: login).errors == ["authz.client_session_mismatch"])
            #expect(try await client.send(.get, "/resource/users/me", login: login).errors == ["authz.invalid_session"])
        }
    }

    @Test func theDefaultLifetimeSkipsSmallRenewals() async throws {
        try await Harness.run({ $0.authCacheTTL = 0 }) { harness, client in
            harness.clock.freeze()
            let login = try await client.signup("user@example.com")
            func storedExpiry() async throws -> Int64 {
                try await harness.store.read { tx in try await tx.session(idHash: sha256Hex(login.cookie))?.expireAt ?? 0 }
            }
            let opened = try await storedExpiry()
            harness.clock.advance(2)
            #expect(try await client.send(.get, "/resource/users/me", login: login).json["email"] as? String == "user@example.com")
            #expect(try await storedExpiry() == opened, "a move under 5 s is not written")
            harness.clock.advance(4)
            #expect(try await client.send(.get, "/resource/users/me", login: login).json["email"] as? String == "user@example.com")
            let renewed = try await storedExpiry()
            #expect(renewed == opened + 6, "a move of 6 s or more is")
        }
    }
}
