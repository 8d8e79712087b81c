import HummingbirdTesting
import PortcullisCore
@testable import PortcullisHTTP

extension Harness {
    /// A signed-in, active user with `role` (set directly in the store, as `users create` would).
    func staff(_ client: any TestClientProtocol, _ email: String, role: String) async throws -> Login {
        _ = try await client.signup(email)
        try await store.write { tx in
            guard var user = try await tx.user(email: email) else { return }
            user.role = role
            user.state = .active
            try await tx.updateUser(user)
        }
        return try await client.login(email)
    }

    func user(_ email: String) async throws -> User? {
        try await store.read { tx in try await tx.user(email: email) }
    }
}
