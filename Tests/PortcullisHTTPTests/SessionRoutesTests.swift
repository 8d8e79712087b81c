import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct SessionRoutesTests {
    @Test func loginOpensANewSessionEachTime() async throws {
        try await Harness.run { _, client in
            let signup = try await client.signup("user@example.com")
            let response = try await client.send(.post, "/identity/sessions", form: "email=USER%40example.com&password=\(strongPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            #expect(response.status == .ok)
            #expect(response.json["email"] as? String == "user@example.com")
            #expect((response.json["csrf_token"] as? String)?.count == 20)
            let login = try response.login()
            #expect(login.cookie != signup.cookie)
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect(me.status == .ok)
            #expect(me.json["csrf_token"] == nil)
        }
    }

    @Test func missingParams() async throws {
        try await Harness.run { _, client in
            let response = try await client.send(.post, "/identity/sessions", json: [:])
            #expect(response.status == .unprocessableContent)
            #expect(response.errors == ["identity.session.missing_email", "identity.session.missing_password"])
            let blank = try await client.send(.post, "/identity/sessions", json: ["email": "", "password": " "])
            #expect(blank.errors == ["identity.session.empty_email", "identity.session.empty_password"])
        }
    }

    @Test func unknownEmailAndWrongPasswordLookTheSame() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let unknown = try await client.send(.post, "/identity/sessions", json: ["email": "nobody@example.com", "password": strongPassword])
            let wrong = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": "Wrong-Pass1"])
            #expect(unknown.status == .unauthorized)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.errors == ["identity.session.invalid_params"])
            #expect(wrong.errors == ["identity.session.invalid_params"])
            #expect(wrong.headers[.setCookie] == nil)
            let activity = try await client.send(.get, "/resource/users/activity/session", login: login)
            let failed = activity.jsonArray.first
            #expect(failed?["action"] as? String == "login")
            #expect(failed?["result"] as? String == "failed")
            #expect(failed?["data"] as? String == #"{"reason":"Invalid Email or Password"}"#)
        }
    }

    @Test(arguments: [(UserState.banned, "identity.session.banned"), (.deleted, "identity.session.deleted"),
                      (.locked, "identity.session.not_active")])
    func statesThatCannotLogIn(_ state: UserState, _ key: String) async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("user@example.com")
            try await harness.setState("user@example.com", state)
            let response = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(response.status == .unauthorized)
            #expect(response.errors == [key])
            // A wrong password still answers invalid_params: the state is not revealed.
            let wrong = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": "Wrong-Pass1"])
            #expect(wrong.errors == ["identity.session.invalid_params"])
        }
    }

    @Test func pendingUsersMayLogIn() async throws {
        try await Harness.run { _, client in
            _ = try await client.signup("admin@example.com")
            _ = try await client.signup("pending@example.com")
            let login = try await client.send(.post, "/identity/sessions", json: ["email": "pending@example.com", "password": strongPassword])
            #expect(login.status == .ok)
            #expect(login.json["state"] as? String == "pending")
        }
    }

    @Test func logoutEndsTheSessionAndClearsTheCookie() async throws {
        try await Harness.run { _, client in
            let login = try await client.signup("user@example.com")
            let logout = try await client.send(.delete, "/identity/sessions", login: login)
            #expect(logout.status == .ok)
            #expect(logout.text.isEmpty)
            #expect(logout.headers[.setCookie]?.contains("Expires=Thu, 01 Jan 1970") == true)
            let me = try await client.send(.get, "/resource/users/me", login: login)
            #expect(me.status == .unauthorized)
            #expect(me.errors == ["authz.invalid_session"])
            let again = try await client.send(.delete, "/identity/sessions", login: login)
            #expect(again.status == .notFound)
            #expect(again.errors == ["identity.session.not_found"])
            let none = try await client.send(.delete, "/identity/sessions")
            #expect(none.errors == ["identity.session.not_found"])
            let activity = try await client.send(.get, "/resource/users/activity/session", login: try await client.login("user@example.com"))
            #expect(activity.jsonArray.contains { $0["action"] as? String == "logout" && $0["result"] as? String == "succeed" })
        }
    }
}
