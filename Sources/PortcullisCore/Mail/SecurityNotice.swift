/// The security notices mailed to the owner, each with the freeze link
/// (takeover.md §F), by the event that carries it.
public enum SecurityNotice: String, Sendable, CaseIterable {
    case newDevice, passwordChanged, otpEnabled, otpDisabled, apiKeyCreated, passkeyAdded, recoveryCodesCreated, recoveryCodeUsed
    /// A sign-in with a password found in the breach list (advice, once a day at most).
    case passwordBreached
    /// The freeze itself: said, without a link (the account is frozen already).
    case accountFrozen

    public var event: String {
        switch self {
        case .newDevice: EventName.newDevice
        case .passwordChanged: EventName.passwordChange
        case .otpEnabled: EventName.otpEnabled
        case .otpDisabled: EventName.otpDisabled
        case .apiKeyCreated: EventName.apiKeyCreated
        case .passkeyAdded: EventName.passkeyCreated
        case .recoveryCodesCreated: EventName.recoveryCodesCreated
        case .recoveryCodeUsed: EventName.recoveryCodeUsed
        case .passwordBreached: EventName.passwordBreached
        case .accountFrozen: EventName.accountFrozen
        }
    }

    public init?(event: String) {
        guard let notice = Self.allCases.first(where: { $0.event == event }) else { return nil }
        self = notice
    }

    /// The subject after the app's name, and what happened.
    var subject: String {
        switch self {
        case .newDevice: "new sign-in to your account"
        case .passwordChanged: "your password was changed"
        case .otpEnabled: "two-factor authentication was turned on"
        case .otpDisabled: "two-factor authentication was turned off"
        case .apiKeyCreated: "a new API key was created"
        case .passkeyAdded: "a passkey was added"
        case .recoveryCodesCreated: "new recovery codes were made"
        case .recoveryCodeUsed: "a recovery code was used"
        case .passwordBreached: "your password appears in a data breach"
        case .accountFrozen: "your account is frozen"
        }
    }

    var sentence: String {
        switch self {
        case .newDevice: "Someone just signed in to your account from a device or a country it was not used from before"
        case .passwordChanged: "The password of your account was just changed"
        case .otpEnabled: "Two-factor authentication was just turned on for your account"
        case .otpDisabled: "Two-factor authentication was just turned off for your account"
        case .apiKeyCreated: "A new API key was just created for your account"
        case .passkeyAdded: "A passkey was just added to your account"
        case .recoveryCodesCreated: "A new set of recovery codes was just made for your account; the old codes no longer work"
        case .recoveryCodeUsed: "A recovery code was just used to sign in to your account"
        case .passwordBreached: """
            You just signed in with a password that appears in a list of passwords leaked from other sites. \
            Anyone can try it: please change it now
            """
        case .accountFrozen: "Your account was just frozen: every session was ended and every API key disabled"
        }
    }

    /// Whether the mail carries the freeze link.
    var offersFreeze: Bool { self != .accountFrozen }
}
