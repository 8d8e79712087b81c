/// Management `api_keys…`: keys for users (behind
/// `mgn_api_keys_user`) and service accounts (behind `mgn_api_keys_sa`),
/// with no TOTP guard: the signers vouch for the call.
public struct ManagementAPIKeyService: Sendable {
    let store: any Store
    let box: SecretBox
    let clock: any ServerClock
    let uidPrefix: String
    let forUsers: Bool
    let forServiceAccounts: Bool

    public init(store: any Store, box: SecretBox, clock: any ServerClock, uidPrefix: String, forUsers: Bool, forServiceAccounts: Bool) {
        self.store = store; self.box = box; self.clock = clock; self.uidPrefix = uidPrefix.uppercased()
        self.forUsers = forUsers; self.forServiceAccounts = forServiceAccounts
    }

    public func create(uid: String, algorithm: String, scopes: String?) async throws -> CreatedAPIKey {
        let holder = try await self.holder(uid)
        guard algorithm == "HS256" else { throw ManagementError.keys(.unprocessable, [ErrorKey.APIKey.algorithmInclusion]) }
        let secret = SecureRandom.hex(bytes: 16)
        let sealed: String
        do { sealed = try box.seal(secret) } catch {
            throw ManagementError.keys(.unprocessable, [ErrorKey.APIKey.couldNotSaveSecret])
        }
        let now = clock.now()
        let draft = APIKey(id: 0, holderType: holder.type, holderID: holder.id, kid: SecureRandom.hex(bytes: 8), algorithm: algorithm,
                           scope: APIKeyService.scopes(scopes), state: "active", sealedSecret: sealed, createdAt: now, updatedAt: now)
        let key = try await store.write { tx in try await tx.insertAPIKey(draft) }
        return CreatedAPIKey(key: key, secret: Secret(secret))
    }

    public func update(uid: String, kid: String, scopes: String?, state: String?) async throws -> APIKey {
        let holder = try await self.holder(uid)
        if let state, !["active", "inactive"].contains(state) {
            throw ManagementError.keys(.unprocessable, [ErrorKey.APIKey.stateInclusion])
        }
        let now = clock.now()
        return try await store.write { tx in
            guard var key = try await tx.apiKey(kid: kid), key.holderType == holder.type, key.holderID == holder.id else {
                throw ManagementError.sentence(.unprocessable, "api_key_doesnt_exist")
            }
            if let scopes { key.scope = APIKeyService.scopes(scopes) }
            if let state { key.state = state }
            key.updatedAt = now
            try await tx.updateAPIKey(key)
            return key
        }
    }

    /// The holder a uid names: a user (prefix `uid_prefix`) or a service account (`SI`).
    private func holder(_ uid: String) async throws -> (type: String, id: Int64) {
        let upper = uid.uppercased()
        if upper.hasPrefix(uidPrefix) {
            guard forUsers else { throw ManagementError.sentence(.unprocessable, "disabled_management_endpoint") }
            guard let user = try await store.read({ tx in try await tx.user(uid: uid) }) else {
                throw ManagementError.sentence(.unprocessable, "user_doesnt_exist")
            }
            return ("user", user.id)
        }
        if upper.hasPrefix("SI") {
            guard forServiceAccounts else { throw ManagementError.sentence(.unprocessable, "disabled_management_endpoint") }
            guard let account = try await store.read({ tx in try await tx.serviceAccount(uid: uid) }) else {
                throw ManagementError.sentence(.unprocessable, "service_account_doesnt_exist")
            }
            return ("service_account", account.id)
        }
        throw ManagementError.sentence(.unprocessable, "uid_prefix_doesnt_exist")
    }
}
