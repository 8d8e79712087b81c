import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// The gateway listener's common case: the decision from memory
/// must be the async decision's, and must step aside whenever the database,
/// a signature or an audit row is needed.
struct AuthorizeFromMemoryTests {
    func call(_ login: Login, method: String = "GET", path: String = "api/v2/peatio/account/balances", csrf: String? = nil,
              userAgent: String = "tests") -> AuthorizeRequest {
        AuthorizeRequest(method: method, path: path, cookie: login.cookie, csrfHeader: csrf, apiKey: nil, nonce: nil, signature: nil,
                         client: ClientInfo(ip: "127.0.0.1", userAgent: userAgent), params: [:])
    }

    @Test func memoryAnswersWhatTheAsyncDecisionAnsweredAndStepsAsideOtherwise() async throws {
        try await Harness.run { harness, client in
            // Only `advance` moves time here: a loaded machine must not age the cached entries past their TTL.
            harness.clock.freeze()
            let login = try await client.signup("user@example.com")
            let authorize = harness.composition.gateway.call.authorize
            let first = try await authorize.authorize(call(login))
            guard case .authorized(let token) = first else { Issue.record("not authorized: \(first)"); return }
            #expect(try authorize.authorizeFromMemory(call(login)) == .authorized(token: token), "the same token, from memory")

            // Refusals memory can decide are the async path's refusals.
            #expect(throws: APIError(.unauthorized, ErrorKey.Authz.missingCSRF)) {
                try authorize.authorizeFromMemory(call(login, method: "POST"))
            }
            #expect(throws: APIError(.unauthorized, ErrorKey.Authz.csrfMismatch)) {
                try authorize.authorizeFromMemory(call(login, method: "POST", csrf: "wrong"))
            }
            #expect(throws: APIError(.unauthorized, ErrorKey.Authz.permissionDenied)) {
                try authorize.authorizeFromMemory(call(login, path: "api/v2/barong/management/users"))
            }
            #expect(try authorize.authorizeFromMemory(call(login, path: "api/v2/peatio/public/markets")) == .pass)

            // Steps aside: an API key (its nonce is a write), a session that no longer binds (the
            // database decides, and ends it), a cookie nobody cached, a renewal that is due.
            var apiKey = call(login)
            apiKey.apiKey = "kid"
            #expect(try authorize.authorizeFromMemory(apiKey) == nil)
            #expect(try authorize.authorizeFromMemory(call(login, userAgent: "another browser")) == nil)
            var unknown = call(login)
            unknown.cookie = "not-a-session"
            #expect(try authorize.authorizeFromMemory(unknown) == nil)
            harness.clock.advance(60)
            #expect(try authorize.authorizeFromMemory(call(login)) == nil, "a renewal is due: a write")
            _ = try await authorize.authorize(call(login))
            #expect(try authorize.authorizeFromMemory(call(login)) != nil, "renewed, memory answers again")
        }
    }
}
