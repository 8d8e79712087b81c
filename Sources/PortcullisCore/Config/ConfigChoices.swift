/// The settings that take one of a few words, parsed once when the config
/// loads (an unknown word stops the start-up with the key named), and then
/// compared as values, never as strings.
public enum CaptchaKind: String, CaseIterable, Sendable {
    case none, recaptcha, geetest
}

public enum PhoneVerification: String, CaseIterable, Sendable {
    case mock
    case twilioSMS = "twilio_sms"
    case twilioVerify = "twilio_verify"
}

public enum SMTPTLSMode: String, CaseIterable, Sendable {
    case none, starttls, tls
}

public enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

public enum KYCProviderKind: String, CaseIterable, Sendable {
    case local, kycaid
}

/// Which CDN's forwarding header names the client.
public enum GatewayKind: String, CaseIterable, Sendable {
    case cloudflare, akamai, none
}

/// Where new passwords are looked up in breach lists (takeover.md §P).
public enum BreachCheckKind: String, CaseIterable, Sendable {
    case off, range, file
}
