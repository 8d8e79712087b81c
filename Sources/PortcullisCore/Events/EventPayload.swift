import Foundation

/// Builds the `record` of each event, as JSON text.
public struct EventPayload: Sendable {
    public let domain: String

    public init(domain: String) { self.domain = domain }

    /// The event user object.
    public func user(_ user: User, referralUID: String?) -> [String: Any] {
        [
            "uid": user.uid, "username": user.username ?? NSNull(), "email": user.email, "role": user.role,
            "level": user.level, "otp": user.otp, "state": user.state.rawValue,
            "referral_uid": referralUID ?? NSNull(),
            "created_at": Timestamp.iso8601(user.createdAt), "updated_at": Timestamp.iso8601(user.updatedAt),
        ]
    }

    /// `{user, domain}` plus any extra fields (`token`, `user_ip` …);
    /// `antiPhishingCode` goes inside `user` (system events only).
    public func record(_ user: User, referralUID: String?, extra: [String: any Sendable] = [:], withDomain: Bool = true,
                       antiPhishingCode: String? = nil) -> String {
        var userObject = self.user(user, referralUID: referralUID)
        if let antiPhishingCode { userObject["anti_phishing_code"] = antiPhishingCode }
        var object: [String: Any] = ["user": userObject]
        if withDomain { object["domain"] = domain }
        for (key, value) in extra { object[key] = value }
        return Self.text(object)
    }

    static func text(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The names of the `system.*` events.
public enum EventName {
    public static let emailConfirmationToken = "system.user.email.confirmation.token"
    public static let emailConfirmed = "system.user.email.confirmed"
    public static let passwordResetToken = "system.user.password.reset.token"
    public static let passwordReset = "system.user.password.reset"
    public static let passwordChange = "system.user.password.change"
    public static let sessionCreate = "system.session.create"
    public static let accountDeleted = "system.user.account.deleted"
    /// A 2FA user signed in with a recovery code: `{user, remaining, user_ip}`.
    public static let recoveryCodeUsed = "system.user.recovery_code.used"
    /// A sign-in from a device or a country the user has not used before:
    /// `{user, user_ip, user_ip_country, user_agent, method}`.
    public static let newDevice = "system.session.new_device"
    /// The owner froze the account ("this wasn't me"): `{user, user_ip, reason}`.
    public static let accountFrozen = "system.user.account.frozen"
    /// Security notices, each mailed with the freeze link: `{user, user_ip}`.
    public static let otpEnabled = "system.user.otp.enabled"
    public static let otpDisabled = "system.user.otp.disabled"
    public static let apiKeyCreated = "system.user.api_key.created"
    public static let passkeyCreated = "system.user.passkey.created"
    public static let recoveryCodesCreated = "system.user.recovery_codes.created"
    /// A sign-in with a password found in the breach list, at most once a day: `{user, user_ip}`.
    public static let passwordBreached = "system.user.password.breached"
    /// OpenID Connect (oidc.md §O5): a user approved a client `{user, client_id, scopes}`, or revoked
    /// that approval `{user, client_id}`; a rotated refresh token was used again `{user, client_id}`.
    public static let oidcGrantCreated = "system.oidc.grant.created"
    public static let oidcGrantRevoked = "system.oidc.grant.revoked"
    public static let oidcTokenReuse = "system.oidc.token.reuse"

    /// The published events: what leaves for RabbitMQ and webhooks.
    public static let published: Set<String> = [
        emailConfirmationToken, emailConfirmed, passwordResetToken, passwordReset, passwordChange, sessionCreate, accountDeleted,
        recoveryCodeUsed, newDevice, accountFrozen, otpEnabled, otpDisabled, apiKeyCreated, passkeyCreated, recoveryCodesCreated,
        passwordBreached, oidcGrantCreated, oidcGrantRevoked, oidcTokenReuse,
        "system.document.verified", "system.document.rejected",
        "model.user.created", "model.user.updated", "model.profile.created", "model.profile.updated",
        "model.label.created", "model.label.updated", "model.document.created",
        "model.data_storage.created", "model.data_storage.updated",
    ]
}

/// Writes an event into the outbox of the current transaction, with a
/// delivery for every sink `routing` names and a fresh `jti` that every
/// delivery of it carries.
public struct EventWriter: Sendable {
    public let payloads: EventPayload
    let routing: EventRouting
    /// Opens users' anti-phishing codes for `system.*` events (nil: never added).
    let box: SecretBox?

    public init(domain: String, routing: EventRouting = .none, box: SecretBox? = nil) {
        payloads = EventPayload(domain: domain)
        self.routing = routing
        self.box = box
    }

    /// Any event whose record the caller built.
    public func enqueue(_ name: String, record: String, changes: String? = nil, in tx: some OutboxRepository, now: Int64) async throws {
        try await tx.enqueueEvent(name: name, payload: record, changes: changes, jti: UUID().uuidString.lowercased(),
                                  sinks: routing.sinks(for: name), now: now)
    }

    public func emit(
        _ name: String, user: User, extra: [String: any Sendable] = [:], withDomain: Bool = true,
        in tx: some UserRepository & OutboxRepository, now: Int64
    ) async throws {
        var referralUID: String?
        if let referralID = user.referralID { referralUID = try await tx.user(id: referralID)?.uid }
        // For mailers (ours and external): system events only, never model events.
        var antiPhishing: String?
        if name.hasPrefix("system."), let box, let sealed = try await tx.sealedAntiPhishingCode(userID: user.id) {
            antiPhishing = try? box.open(sealed)
        }
        try await enqueue(name, record: payloads.record(user, referralUID: referralUID, extra: extra, withDomain: withDomain,
                                                        antiPhishingCode: antiPhishing),
                          in: tx, now: now)
    }
}
