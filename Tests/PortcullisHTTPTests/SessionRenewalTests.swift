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
        try await Harness.run({ $0.sessionExpireTime = 3; $0.authCacheTTL = 0 }) { harness, client in
            let login = try await client.signup("user@example.com")
            for _ in 0..<4 {
                harness.clock.advance(2)
                let me = try await client.send(.get, "/resource/users/me", login: login)
                #expect(me.status == .ok && me.json["email"] as? String == "user@example.com")
            }
            // Unused for longer than its lifetime it ends (an expired session fails the binding check, api.md §4.2).
            harness.clock.advance(4)
            #expect(try await client.send(.get, "/resource/users/me", login: login).errors == ["authz.client_session_mismatch"])
            #expect(try await client.send(.get, "/resource/users/me", login: login).errors == ["authz.invalid_session"])
        }
    }

    @Test func theDefaultLifetimeSkipsSmallRenewals() async throws {
        try await Harness.run({ $0.authCacheTTL = 0 }) { harness, client in
            let login = try await client.signup("user@example.com")
            func storedExpiry() async throws -> Int64 {
                try await harness.store.read { tx in try await tx.session(idHash: sha256Hex(login.cookie))?.expireAt ?? 0 }
            }
            let opened = try await storedExpiry()
            harness.clock.advance(3)
            #expect(try await client.send(.get, "/resource/users/me", login: login).status == .ok)
            #expect(try await storedExpiry() == opened, "a 3 s move is not written")
            harness.clock.advance(3)
            #expect(try await client.send(.get, "/resource/users/me", login: login).status == .ok)
            #expect(try await storedExpiry() == opened + 6, "a 6 s move is")
        }
    }
}
