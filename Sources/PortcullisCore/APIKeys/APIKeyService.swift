/// Who holds a key: a user, or a service account (whose owner's 2FA guards it).
public enum KeyHolder: Sendable {
    case user(User)
    case serviceAccount(ServiceAccount)

    var type: String {
        switch self {
        case .user: "user"
        case .serviceAccount: "service_account"
        }
    }

    var id: Int64 {
        switch self {
        case .user(let user): user.id
        case .serviceAccount(let account): account.id
        }
    }

    var isActive: Bool {
        switch self {
        case .user(let user): user.state == .active
        case .serviceAccount(let account): account.state == UserState.active.rawValue
        }
    }
}

/// A key as just created: the only time its secret is shown.
public struct CreatedAPIKey: Sendable {
    public let key: APIKey
    public let secret: Secret
}

/// The TOTP guard's keys differ between `api_keys` and `service_accounts`.
public struct TOTPGuardKeys: Sendable {
    let disabled: String, proof: SecondFactorKeys
    public static let apiKeys = TOTPGuardKeys(disabled: ErrorKey.APIKey.twoFADisabled, proof: .apiKeys)
    public static let serviceAccounts = TOTPGuardKeys(disabled: ErrorKey.ServiceAccount.twoFADisabled, proof: .serviceAccounts)
}

/// `resource/api_keys` and `resource/service_accounts/api_keys`.
public struct APIKeyService: Sendable {
    let store: any Store
    let box: SecretBox
    let otp: OTPService
    let clock: any ServerClock
    /// Where "a new API key was created" goes to the owner.
    let events: EventWriter?

    public init(store: any Store, box: SecretBox, otp: OTPService, clock: any ServerClock, events: EventWriter? = nil) {
        self.store = store; self.box = box; self.otp = otp; self.clock = clock; self.events = events
    }

    /// 2FA on (400), `totp_code` (or a step-up assertion) given (422), and right (422).
    public func guardTOTP(owner: User, proof: SecondFactor, action: StepUpAction, session: SessionRecord?, keys: TOTPGuardKeys,
                          client: ClientInfo) async throws {
        guard owner.otp else { throw APIError(.badRequest, keys.disabled) }
        try await otp.require(proof, of: owner, action: action, session: session, client: client, keys: keys.proof)
    }

    public func create(for holder: KeyHolder, algorithm: String, scope: String?, owner: User, client: ClientInfo) async throws -> CreatedAPIKey {
        guard algorithm == "HS256" else { throw APIError(.unprocessable, ErrorKey.APIKey.algorithmInclusion) }
        let secret = SecureRandom.hex(bytes: 16)
        let sealed: String
        do { sealed = try box.seal(secret) } catch { throw APIError(.unprocessable, ErrorKey.APIKey.couldNotSaveSecret) }
        let now = clock.now()
        let draft = APIKey(
            id: 0, holderType: holder.type, holderID: holder.id, kid: SecureRandom.hex(bytes: 8), algorithm: algorithm,
            scope: Self.scopes(scope), state: "active", sealedSecret: sealed, createdAt: now, updatedAt: now
        )
        let events = self.events
        let key = try await store.write { tx in
            // Decided on the holder as it is now: a ban committed meanwhile
            // disabled its keys, and this one must not be born active after it.
            guard try await Self.current(holder, owner: owner, in: tx).isActive else {
                throw APIError(.unprocessable, ErrorKey.APIKey.holderInvalid)
            }
            let key = try await tx.insertAPIKey(draft)
            try await tx.insertActivity(NewActivity(
                userID: owner.id, client: client, topic: "account", action: "api key create", result: "succeed", now: now
            ))
            try await events?.emit(EventName.apiKeyCreated, user: owner, extra: ["user_ip": client.ip, "kid": key.kid], in: tx, now: now)
            return key
        }
        return CreatedAPIKey(key: key, secret: Secret(secret))
    }

    public func list(for holder: KeyHolder, page: APIKeyPage) async throws -> (rows: [APIKey], total: Int) {
        try await store.read { tx in try await tx.apiKeys(holderType: holder.type, holderID: holder.id, page: page) }
    }

    public func update(for holder: KeyHolder, kid: String, scope: String?, state: String?, owner: User, client: ClientInfo) async throws -> APIKey {
        let now = clock.now()
        return try await store.write { tx in
            // The holder, then the key, both as they are now and locked:
            // a key read before a ban and written back after it would re-enable it.
            let holder = try await Self.current(holder, owner: owner, in: tx)
            var key = try await Self.key(kid, of: holder, in: tx)
            if let state {
                guard ["active", "disabled"].contains(state) else { throw APIError(.unprocessable, ErrorKey.APIKey.stateInclusion) }
                if state == "active" && !holder.isActive { throw APIError(.unprocessable, ErrorKey.APIKey.stateInvalid) }
                key.state = state
            }
            if let scope { key.scope = Self.scopes(scope) }
            key.updatedAt = now
            try await tx.updateAPIKey(key)
            try await tx.insertActivity(NewActivity(
                userID: owner.id, client: client, topic: "account", action: "api key update", result: "succeed", now: now
            ))
            return key
        }
    }

    public func delete(for holder: KeyHolder, kid: String, owner: User, client: ClientInfo) async throws {
        let now = clock.now()
        try await store.write { tx in
            let key = try await Self.key(kid, of: holder, in: tx)
            try await tx.deleteAPIKey(id: key.id)
            try await tx.insertActivity(NewActivity(
                userID: owner.id, client: client, topic: "account", action: "api key delete", result: "succeed", now: now
            ))
        }
    }

    /// The caller's service account by uid, or 404 `resource.service_account.doesnt_exist`.
    public func serviceAccount(uid: String, owner: User) async throws -> ServiceAccount {
        guard let account = try await store.read({ tx in try await tx.serviceAccount(uid: uid) }), account.ownerID == owner.id else {
            throw APIError(.notFound, ErrorKey.ServiceAccount.doesntExist)
        }
        return account
    }

    public func serviceAccounts(owner: User) async throws -> [ServiceAccount] {
        try await store.read { tx in try await tx.serviceAccounts(ownerID: owner.id) }
    }

    private static func key(_ kid: String, of holder: KeyHolder, in tx: some APIKeyRepository) async throws -> APIKey {
        guard let key = try await tx.apiKey(kid: kid), key.holderType == holder.type, key.holderID == holder.id else {
            throw APIError(.notFound, ErrorKey.Record.notFound)
        }
        return key
    }

    /// The holder as it is in this transaction, its rows locked in the store's
    /// order (the owner, then the service account): the copy the request
    /// authenticated with may be older than a ban.
    private static func current(_ holder: KeyHolder, owner: User, in tx: some UserRepository & ManagementRepository & APIKeyRepository) async throws -> KeyHolder {
        guard let user = try await tx.user(id: owner.id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        switch holder {
        case .user: return .user(user)
        case .serviceAccount(let account):
            guard let current = try await tx.serviceAccount(uid: account.uid) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
            return .serviceAccount(current)
        }
    }

    /// `"trade,withdraw"` → `["trade", "withdraw"]`; absent → `[]`.
    static func scopes(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

import Foundation
