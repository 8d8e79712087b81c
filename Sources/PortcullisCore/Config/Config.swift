import Foundation
import Logging

/// Every setting of the server, with Barong's names and defaults where the
/// key is shared with Barong (all listed in docs/configuration.md). Built by `ConfigLoader`.
public struct Config: Sendable {
    // Shared with Barong.
    public var appName = "Portcullis"
    public var domain = "openware.com"
    public var uidPrefix = "ID"
    public var sessionName = "_barong_session"
    public var sessionExpireTime = 1800
    /// Attempts per account, failures per address, before sign-ins wait (0: off).
    public var loginThrottleAccount = 5
    public var loginThrottleIP = 50
    /// The relying party of passkeys (empty: from `domain` / `app_name`).
    public var webauthnRPID = ""
    public var webauthnRPName = ""
    public var webauthnOrigins: [String] = []
    public var jwtExpireTime = 3600
    /// The operators' console under `/admin/` (false: no such routes), and its idle logout in seconds.
    public var adminConsole = true
    public var adminConsoleIdleTimeout = 1800
    public var csrfProtection = true
    public var apikeyNonceLifetime = 5000
    public var passwordRegexp = #"^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$"#
    public var passwordMinEntropy = 14
    public var passwordUseDictionary = true
    /// Breached passwords (takeover.md §P): off, the k-anonymity range API, or a local sorted file.
    public var passwordBreachCheck = BreachCheckKind.off
    public var passwordBreachAPIURL = "https://api.pwnedpasswords.com"
    public var passwordBreachTimeoutMs = 1500
    public var passwordBreachFailOpen = true
    public var passwordBreachFile = ""
    public var passwordBreachMinCount = 1
    /// OpenID Connect provider (oidc.md): off unless enabled.
    public var oidcEnabled = false
    /// Empty = `<publicURL>/api/v2/auth/oidc`.
    public var oidcIssuer = ""
    /// The exchange front-end's sign-in page an authorize request without a session is sent to.
    public var oidcLoginURL = ""
    /// authorize accepts OIDC access tokens as bearers.
    public var oidcGatewayTokens = false
    public var firstRegistrationSuperadmin = true
    public var captcha = CaptchaKind.none
    public var captchaProtectedEndpoints = ["user_create", "session_create", "password_reset", "email_confirmation"]
    public var recaptchaSiteKey = ""
    public var recaptchaSecretKey = ""
    public var geetestID = ""
    public var geetestKey = ""
    public var phoneVerification = PhoneVerification.mock
    public var twilioPhoneNumber = "+15005550000"
    public var twilioAccountSID = ""
    public var twilioAuthToken = ""
    public var twilioServiceSID = ""
    public var senderEmail = "noreply@portcullis.local"
    public var senderName = "Portcullis"
    public var smtpHost = "127.0.0.1"
    public var smtpPort = 25
    public var smtpUser = ""
    public var smtpPassword = ""
    public var defaultLanguage = "en"
    public var auth0Domain = ""
    public var auth0ClientID = ""
    public var kycProvider = KYCProviderKind.local
    public var kycaidAuthorizationToken = ""
    public var kycaidAPIEndpoint = "https://api.kycaid.com/"
    public var kycaidFormID = ""
    public var docNumLimit = 10
    public var requiredDocsExpire = true
    public var apiCORSOrigins = ""
    public var apiCORSMaxAge = 3600
    public var apiCORSAllowCredentials = false
    public var crc32Salt = ""
    public var apiDataMaskingEnabled = true
    public var gateway = GatewayKind.cloudflare
    public var activationRequirements = ["email:verified"]

    // Portcullis' own.
    public var listenHost = "127.0.0.1"
    public var listenPort = 8001
    public var databaseURL = "sqlite://data/portcullis.sqlite3"
    public var autoMigrate = true
    public var jwtPrivateKeyPath = ""
    public var encryptionKey = ""
    public var smtpTLS = SMTPTLSMode.none
    /// PEM file of CA certificates trusted for SMTP TLS; empty = the system's.
    public var smtpCAFile = ""
    public var twilioAPIBaseURL = "https://api.twilio.com"
    public var twilioVerifyBaseURL = "https://verify.twilio.com"
    public var recaptchaVerifyURL = "https://www.google.com/recaptcha/api/siteverify"
    public var geetestAPIURL = "https://api.geetest.com"
    public var auth0JWKSURL = ""
    public var uploadPath = "data/uploads"
    public var uploadMaxBytes = 10_485_760
    public var logFormat = LogFormat.text
    public var logLevel = Logger.Level.info
    public var trustedProxies: [String] = []
    public var bcryptCost = 12
    /// PostgreSQL connections this process keeps at most.
    public var databasePoolSize = 16
    /// Seconds a request waits for a PostgreSQL connection before 503.
    public var databaseWait = 5
    /// Seconds a cached session/user may be served without a database read
    /// (local writes invalidate at once); 0 disables the cache.
    public var authCacheTTL = 2
    /// Barong's authorize rules file (YAML `rules: {pass: […], block: […]}`); empty = the built-in defaults.
    public var authzRulesFile = ""
    /// Barong's `management_api.yml`; empty = the management API is off.
    public var managementAPIConfig = ""
    /// Management requests must carry `exp` (and then a `jti`), so every accepted request is marked against replay
    /// until it expires.
    public var managementAPIRequireExp = true
    /// Management signatures: refuse high-S ECDSA (ECDSALowS); off for signers that do not normalize.
    public var managementAPILowSOnly = false
    /// Management `api_keys` for users / for service accounts.
    public var mgnAPIKeysUser = false
    public var mgnAPIKeysSA = false
    /// Barong's `config/abilities.yml` format; empty = the shipped table.
    public var abilitiesFile = ""
    /// Barong's PROFILE_DOUBLE_VERIFICATION: the admin who created a profile may not approve it.
    public var profileDoubleVerification = false
    /// Roles exempt from that rule.
    public var profileVerificationRoles: [String] = ["superadmin"]
    /// Titles users may store with `data_storage` (Barong's `user_storage_titles`; empty by default).
    public var userStorageTitles: [String] = []
    /// SMS text; `{{code}}` becomes the code.
    public var smsContentTemplate = "Your verification code for Portcullis: {{code}}"
    /// With `phone_verification = mock`: a fixed code that also verifies (empty = only the generated one).
    public var phoneMockCode = ""
    /// Secret for the KYCAID callback's `X-Data-Integrity` HMAC; empty = not checked (the verification is re-fetched anyway).
    public var kycaidCallbackSecret = ""
    public var dataDir = "data"
    /// A MaxMind `.mmdb` file (Barong's BARONG_MAXMINDDB_PATH); empty = no GeoIP.
    public var maxminddbPath = ""
    /// `HOST:PORT` of the Prometheus listener (`/metrics`); empty = off.
    public var metricsListen = ""
    /// The event bus, Barong's settings; nothing is published
    /// until a host or a URL is set. `EVENT_API_RABBITMQ_URL` (no prefix, as
    /// in Barong) or `event_api_rabbitmq_url` overrides the parts.
    public var eventAPIRabbitMQHost = ""
    public var eventAPIRabbitMQPort = 5672
    public var eventAPIRabbitMQUsername = "guest"
    public var eventAPIRabbitMQPassword = "guest"
    public var eventAPIRabbitMQURL = ""
    /// Seconds, at most, between two delivery attempts of an event (the backoff doubles from 2 s).
    public var outboxMaxRetryDelay = 600
    /// Seconds a claimed delivery stays with the instance trying it; one that
    /// dies mid-send leaves it to the others after this. Keep it above the
    /// slowest sink's timeout (SMTP 30 s), or a slow send may be repeated.
    public var outboxLease = 120
    /// Signed webhooks.
    public var eventWebhooks: [EventWebhook] = []
    /// Seconds a connection may go without a complete request head or a body
    /// byte (and, between requests, idle) before it is closed.
    public var httpIdleTimeout = 20
    /// `HOST:PORT` of the gateway listener: the authorize call alone, on a
    /// plain SwiftNIO pipeline; empty = none (authorize answers on the main listener).
    public var authorizeListen = ""

    public init() {}

    /// `metrics_listen` split into host and port (validated by the loader).
    public var metricsAddress: (host: String, port: Int)? { Self.address(metricsListen) }

    /// `authorize_listen` split into host and port (validated by the loader).
    public var authorizeAddress: (host: String, port: Int)? { Self.address(authorizeListen) }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    /// Where the SQLite file lives, when `database_url` is `sqlite://PATH`.
    public var sqlitePath: String? {
        let prefix = "sqlite://"
        guard databaseURL.hasPrefix(prefix) else { return nil }
        return String(databaseURL.dropFirst(prefix.count))
    }

    /// The public URL of the deployment (`domain` with `https://` unless it has a scheme).
    /// The OpenID Connect issuer: `oidc_issuer`, else the API's `oidc` path on the public origin.
    public var oidcIssuerURL: String {
        oidcIssuer.isEmpty ? publicURL + "/api/v2/auth/oidc" : (oidcIssuer.hasSuffix("/") ? String(oidcIssuer.dropLast()) : oidcIssuer)
    }

    public var publicURL: String {
        domain.contains("://") ? domain : "https://\(domain)"
    }

    /// The passkeys' relying party: `webauthn_rp_id` or the host of `domain`,
    /// `webauthn_rp_name` or `app_name`, `webauthn_origins` or the public URL's origin.
    public var passkeySettings: PasskeySettings {
        let url = URL(string: publicURL)
        let origin = url.map { url in
            "\(url.scheme ?? "https")://\(url.host ?? domain)" + (url.port.map { ":\($0)" } ?? "")
        } ?? publicURL
        return PasskeySettings(rpID: webauthnRPID.isEmpty ? (url?.host ?? domain) : webauthnRPID,
                               rpName: webauthnRPName.isEmpty ? appName : webauthnRPName,
                               origins: webauthnOrigins.isEmpty ? [origin] : webauthnOrigins)
    }
}
