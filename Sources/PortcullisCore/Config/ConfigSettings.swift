import Foundation

/// One setting: its key (in the JSON file, and as `BARONG_<KEY>` in the
/// environment), where it lands in `Config`, what it does, and for numbers
/// the range start-up accepts.
struct ConfigSetting {
    let key: String
    let field: ConfigField
    let summary: String
    let range: ClosedRange<Int>?

    init(_ key: String, _ field: ConfigField, _ summary: String, range: ClosedRange<Int>? = nil) {
        self.key = key; self.field = field; self.summary = summary; self.range = range
    }
}

/// The settings table: every key the server reads, in the order
/// docs/configuration.md lists them (`portcullis settings --markdown` writes
/// that file from here, and a test fails when it is stale).
public enum ConfigSettings {
    /// Every number is bounded: times are added to the clock and sizes
    /// multiplied, and an overflowing Int traps the whole process.
    static let year = 31_536_000

    static var table: [ConfigSetting] {
        [
        ConfigSetting("app_name", .string(\.appName),
                      "Product name: prefixes mail subjects, names the TOTP issuer and the console, default passkey RP name"),
        ConfigSetting("domain", .string(\.domain),
                      "Public host: links and callbacks point to https://<domain>, or to domain itself when it has a scheme"),
        ConfigSetting("uid_prefix", .string(\.uidPrefix), "Prefix of generated user uids: 2 to 6 ASCII letters"),
        ConfigSetting("session_name", .string(\.sessionName), "Name of the session cookie"),
        ConfigSetting("session_expire_time", .int(\.sessionExpireTime),
                      "Seconds a cookie session lives, renewed while in use (sliding)", range: 1...year),
        ConfigSetting("login_throttle_account", .int(\.loginThrottleAccount),
                      "Attempts on one account from one address before the next ones wait (ten times it across addresses); 0 = off",
                      range: 0...1_000_000),
        ConfigSetting("login_throttle_ip", .int(\.loginThrottleIP),
                      "Wrong passwords and codes from one address, over all accounts, before its unknown devices wait; 0 = off",
                      range: 0...1_000_000),
        ConfigSetting("webauthn_rp_id", .string(\.webauthnRPID), "Passkeys' relying-party id; empty = the host of domain"),
        ConfigSetting("admin_console", .bool(\.adminConsole),
                      "Serve the operators' web console under /admin/; false registers none of its routes"),
        ConfigSetting("admin_console_idle_timeout", .int(\.adminConsoleIdleTimeout),
                      "Seconds without a request after which a console session ends", range: 1...86_400),
        ConfigSetting("webauthn_rp_name", .string(\.webauthnRPName), "Passkeys' relying-party name; empty = app_name"),
        ConfigSetting("webauthn_origins", .list(\.webauthnOrigins),
                      "Origins accepted in passkey ceremonies; empty = the origin of domain (https://<domain>)"),
        ConfigSetting("jwt_expire_time", .int(\.jwtExpireTime),
                      "Lifetime in seconds of the JWTs authorize issues and of mailed confirmation and reset tokens",
                      range: 1...year),
        ConfigSetting("csrf_protection", .bool(\.csrfProtection),
                      "Require the CSRF token on cookie-authenticated POST/PUT/PATCH/DELETE/TRACE requests"),
        ConfigSetting("apikey_nonce_lifetime", .int(\.apikeyNonceLifetime),
                      "Milliseconds an API-key nonce (a timestamp) stays valid; a used nonce is refused meanwhile",
                      range: 1...86_400_000),
        ConfigSetting("password_regexp", .string(\.passwordRegexp),
                      "Regular expression every new password must match (start-up refuses an invalid one)"),
        ConfigSetting("password_min_entropy", .int(\.passwordMinEntropy),
                      "Minimum entropy (bits) a new password must reach", range: 0...10_000),
        ConfigSetting("password_use_dictionary", .bool(\.passwordUseDictionary),
                      "Also score new passwords against the shipped common-password list in the entropy check"),
        ConfigSetting("password_breach_check", .choice(\.passwordBreachCheck),
                      "Refuse new passwords found in breach lists: off, range (the k-anonymity range API) or file"),
        ConfigSetting("password_breach_api_url", .string(\.passwordBreachAPIURL),
                      "Base URL of the range API: GET <url>/range/<first 5 hex of SHA-1> with Add-Padding: true"),
        ConfigSetting("password_breach_timeout_ms", .int(\.passwordBreachTimeoutMs),
                      "Milliseconds a breach lookup (the range API's answer, or a file lookup) may take", range: 1...60_000),
        ConfigSetting("password_breach_fail_open", .bool(\.passwordBreachFailOpen),
                      "When the range API does not answer: true accepts the password, false refuses it as breached"),
        ConfigSetting("password_breach_file", .string(\.passwordBreachFile),
                      "Sorted HASH:COUNT file of uppercase SHA-1 hashes (check = file), searched in place, never loaded"),
        ConfigSetting("password_breach_min_count", .int(\.passwordBreachMinCount),
                      "Times a password must have been seen in breaches to count as breached", range: 1...1_000_000_000),
        ConfigSetting("oidc_enabled", .bool(\.oidcEnabled),
                      "Serve the OpenID Connect provider under /api/v2/auth/oidc (discovery, authorize, token, userinfo …)"),
        ConfigSetting("oidc_issuer", .string(\.oidcIssuer),
                      "OpenID Connect issuer URL; empty = <domain's origin>/api/v2/auth/oidc"),
        ConfigSetting("oidc_login_url", .string(\.oidcLoginURL),
                      "The front-end's sign-in page authorize sends a browser without a session to, with return_to"),
        ConfigSetting("oidc_gateway_tokens", .bool(\.oidcGatewayTokens),
                      "authorize accepts an app's OpenID Connect access token with the exchange scope (Bearer) as its user (never an operator's role)"),
        ConfigSetting("first_registration_superadmin", .bool(\.firstRegistrationSuperadmin),
                      "The first user to sign up on an empty database becomes superadmin"),
        ConfigSetting("captcha", .choice(\.captcha), "Captcha provider: none, recaptcha or geetest"),
        ConfigSetting("captcha_protected_endpoints", .list(\.captchaProtectedEndpoints),
                      "Endpoints that require a captcha: user_create, session_create, password_reset, email_confirmation"),
        ConfigSetting("recaptcha_site_key", .string(\.recaptchaSiteKey),
                      "reCAPTCHA site key, shown as captcha_id by the configs endpoint"),
        ConfigSetting("recaptcha_secret_key", .string(\.recaptchaSecretKey),
                      "reCAPTCHA secret, sent with the client's response to recaptcha_verify_url"),
        ConfigSetting("geetest_id", .string(\.geetestID), "Geetest captcha id (gt), used by register_geetest"),
        ConfigSetting("geetest_key", .string(\.geetestKey), "Geetest private key used to validate answers"),
        ConfigSetting("phone_verification", .choice(\.phoneVerification),
                      "How SMS codes are sent: mock (nothing leaves the server), twilio_sms or twilio_verify"),
        ConfigSetting("twilio_phone_number", .string(\.twilioPhoneNumber),
                      "Sender number of SMS sent with phone_verification = twilio_sms"),
        ConfigSetting("twilio_account_sid", .string(\.twilioAccountSID), "Twilio account SID (twilio_sms and twilio_verify)"),
        ConfigSetting("twilio_auth_token", .string(\.twilioAuthToken), "Twilio auth token (twilio_sms and twilio_verify)"),
        ConfigSetting("twilio_service_sid", .string(\.twilioServiceSID),
                      "Twilio Verify service SID (phone_verification = twilio_verify)"),
        ConfigSetting("sender_email", .string(\.senderEmail), "From address of every mail"),
        ConfigSetting("sender_name", .string(\.senderName), "From display name of every mail"),
        ConfigSetting("smtp_host", .string(\.smtpHost), "SMTP server host"),
        ConfigSetting("smtp_port", .int(\.smtpPort), "SMTP server port", range: 1...65535),
        ConfigSetting("smtp_user", .string(\.smtpUser),
                      "SMTP user; when set, AUTH PLAIN (or LOGIN when that is all the server offers)"),
        ConfigSetting("smtp_password", .string(\.smtpPassword), "SMTP password used with smtp_user"),
        ConfigSetting("default_language", .string(\.defaultLanguage),
                      "The lang parameter of links in mail (the wording ships in English only)"),
        ConfigSetting("auth0_domain", .string(\.auth0Domain),
                      "Auth0 tenant domain; when set, POST identity/sessions/auth0 accepts its id tokens"),
        ConfigSetting("auth0_client_id", .string(\.auth0ClientID), "Auth0 client id: the aud an id token must carry"),
        ConfigSetting("kyc_provider", .choice(\.kycProvider), "KYC back end: local (an admin decides) or kycaid"),
        ConfigSetting("kycaid_authorization_token", .string(\.kycaidAuthorizationToken), "Token for the KYCAID API"),
        ConfigSetting("kycaid_api_endpoint", .string(\.kycaidAPIEndpoint), "Base URL of the KYCAID API"),
        ConfigSetting("kycaid_form_id", .string(\.kycaidFormID), "KYCAID form_id sent with verifications, when set"),
        ConfigSetting("doc_num_limit", .int(\.docNumLimit),
                      "Most documents a user may upload through the resource API", range: 0...100_000),
        ConfigSetting("required_docs_expire", .bool(\.requiredDocsExpire),
                      "Documents must carry an expiry date that has not passed"),
        ConfigSetting("api_cors_origins", .string(\.apiCORSOrigins),
                      "Comma-separated origins (or *) allowed by CORS; empty = no CORS headers"),
        ConfigSetting("api_cors_max_age", .int(\.apiCORSMaxAge),
                      "Seconds browsers may cache a CORS preflight answer", range: 0...year),
        ConfigSetting("api_cors_allow_credentials", .bool(\.apiCORSAllowCredentials),
                      "Allow credentials (cookies) in CORS requests from allowed origins"),
        ConfigSetting("crc32_salt", .string(\.crc32Salt),
                      "Salt of the CRC32 lookup index of phone and document numbers; same on every instance"),
        ConfigSetting("api_data_masking_enabled", .bool(\.apiDataMaskingEnabled),
                      "Mask phone numbers, last names, dates of birth and document numbers in API answers"),
        ConfigSetting("gateway", .choice(\.gateway),
                      "CDN in front whose forwarding headers name the client: cloudflare, akamai or none"),
        ConfigSetting("activation_requirements", .list(\.activationRequirements),
                      "Private labels (key:value) that make a user active"),
        ConfigSetting("listen_host", .string(\.listenHost), "Address the API listens on"),
        ConfigSetting("listen_port", .int(\.listenPort), "Port the API listens on; 0 takes any free port", range: 0...65535),
        ConfigSetting("database_url", .string(\.databaseURL),
                      "sqlite://PATH or postgres://user:password@host:port/database[?sslmode=disable|prefer|require]"),
        ConfigSetting("auto_migrate", .bool(\.autoMigrate), "serve applies pending migrations at start"),
        ConfigSetting("database_pool_size", .int(\.databasePoolSize),
                      "PostgreSQL connections this process keeps at most", range: 2...500),
        ConfigSetting("database_wait", .int(\.databaseWait),
                      "Seconds a request waits for a PostgreSQL connection before 503 server.database_unavailable",
                      range: 1...300),
        ConfigSetting("jwt_private_key_path", .string(\.jwtPrivateKeyPath),
                      "PEM RSA private key that signs JWTs and events; empty = a development key under data_dir"),
        ConfigSetting("encryption_key", .string(\.encryptionKey),
                      "Base64 of 32 bytes sealing TOTP seeds, API-key secrets and personal fields; empty = development key"),
        ConfigSetting("smtp_tls", .choice(\.smtpTLS),
                      "SMTP TLS: none, starttls (required once asked for) or tls (implicit TLS, e.g. port 465)"),
        ConfigSetting("smtp_ca_file", .string(\.smtpCAFile), "PEM CA file trusted for SMTP TLS; empty = the system's roots"),
        ConfigSetting("twilio_api_base_url", .string(\.twilioAPIBaseURL), "Base URL of Twilio's Messages API (twilio_sms)"),
        ConfigSetting("twilio_verify_base_url", .string(\.twilioVerifyBaseURL), "Base URL of Twilio Verify (twilio_verify)"),
        ConfigSetting("recaptcha_verify_url", .string(\.recaptchaVerifyURL),
                      "reCAPTCHA verification URL; default Google's siteverify"),
        ConfigSetting("geetest_api_url", .string(\.geetestAPIURL), "Geetest API base URL (register.php and validate.php)"),
        ConfigSetting("auth0_jwks_url", .string(\.auth0JWKSURL),
                      "Auth0 JWKS URL; empty = https://<auth0_domain>/.well-known/jwks.json"),
        ConfigSetting("upload_path", .string(\.uploadPath),
                      "Directory of uploaded files on SQLite (unused on PostgreSQL, where files live in the database)"),
        ConfigSetting("upload_max_bytes", .int(\.uploadMaxBytes), "Largest uploaded file in bytes", range: 1...(1 << 30)),
        ConfigSetting("log_format", .choice(\.logFormat), "Log output: text or json"),
        ConfigSetting("log_level", .choice(\.logLevel),
                      "Lowest level logged: trace, debug, info, notice, warning, error or critical"),
        ConfigSetting("trusted_proxies", .list(\.trustedProxies),
                      "CIDRs whose X-Forwarded-For, X-Real-IP and X-Forwarded-Proto are believed (loopback always is)"),
        ConfigSetting("bcrypt_cost", .int(\.bcryptCost), "bcrypt cost of new password hashes", range: 4...31),
        ConfigSetting("auth_cache_ttl", .int(\.authCacheTTL),
                      "Seconds a cached session, user or API key may be served without a database read; 0 = no cache",
                      range: 0...3_600),
        ConfigSetting("authz_rules_file", .string(\.authzRulesFile),
                      "Barong's authorize rules YAML (rules: pass, block); empty = the built-in defaults"),
        ConfigSetting("abilities_file", .string(\.abilitiesFile),
                      "Barong's config/abilities.yml of admin roles; empty = the shipped table"),
        ConfigSetting("management_api_config", .string(\.managementAPIConfig),
                      "Barong's config/management_api.yml; empty = the management API is off"),
        ConfigSetting("management_api_require_exp", .bool(\.managementAPIRequireExp),
                      "Management requests must carry exp (at most 24 h ahead) and a non-empty string jti"),
        ConfigSetting("management_api_low_s_only", .bool(\.managementAPILowSOnly),
                      "Refuse high-S ECDSA signatures on management requests"),
        ConfigSetting("mgn_api_keys_user", .bool(\.mgnAPIKeysUser), "Allow the management API to create API keys for users"),
        ConfigSetting("mgn_api_keys_sa", .bool(\.mgnAPIKeysSA),
                      "Allow the management API to create API keys for service accounts"),
        ConfigSetting("profile_double_verification", .bool(\.profileDoubleVerification),
                      "The admin who submitted a profile may not approve it unless their role is exempt"),
        ConfigSetting("profile_verification_roles", .list(\.profileVerificationRoles),
                      "Roles exempt from profile_double_verification"),
        ConfigSetting("user_storage_titles", .list(\.userStorageTitles),
                      "Titles users may store with resource/data_storage; empty refuses every title"),
        ConfigSetting("sms_content_template", .string(\.smsContentTemplate), "SMS text; {{code}} becomes the code"),
        ConfigSetting("phone_mock_code", .string(\.phoneMockCode),
                      "With phone_verification = mock, a fixed code that also verifies; empty = only the generated code"),
        ConfigSetting("kycaid_callback_secret", .string(\.kycaidCallbackSecret),
                      "Secret of the KYCAID callback's X-Data-Integrity HMAC-SHA256; empty = not checked"),
        ConfigSetting("data_dir", .string(\.dataDir), "Directory of the development signing and encryption keys"),
        ConfigSetting("maxminddb_path", .string(\.maxminddbPath),
                      "MaxMind .mmdb file for client countries and continents; empty = no GeoIP"),
        ConfigSetting("metrics_listen", .string(\.metricsListen), "HOST:PORT of the Prometheus /metrics listener; empty = off"),
        ConfigSetting("authorize_listen", .string(\.authorizeListen),
                      "HOST:PORT of the gateway listener answering only authorize; empty = none"),
        ConfigSetting("http_idle_timeout", .int(\.httpIdleTimeout),
                      "Seconds a connection may stall in a request or idle between requests before it is closed",
                      range: 1...3_600),
        ConfigSetting("event_api_rabbitmq_host", .string(\.eventAPIRabbitMQHost),
                      "RabbitMQ host for events; nothing is published until a host or URL is set"),
        ConfigSetting("event_api_rabbitmq_port", .int(\.eventAPIRabbitMQPort), "RabbitMQ port", range: 1...65535),
        ConfigSetting("event_api_rabbitmq_username", .string(\.eventAPIRabbitMQUsername), "RabbitMQ user"),
        ConfigSetting("event_api_rabbitmq_password", .string(\.eventAPIRabbitMQPassword), "RabbitMQ password"),
        ConfigSetting("event_api_rabbitmq_url", .string(\.eventAPIRabbitMQURL),
                      "amqp://user:password@host:port/vhost; overrides the parts (env EVENT_API_RABBITMQ_URL too)"),
        ConfigSetting("event_webhooks", .webhooks(\.eventWebhooks),
                      "Signed webhooks: a JSON list of {url, events, secret}; an events entry ending in . is a prefix"),
        ConfigSetting("outbox_max_retry_delay", .int(\.outboxMaxRetryDelay),
                      "Longest wait in seconds between two delivery attempts of an event (backoff doubles from 2 s)",
                      range: 1...86_400),
        ConfigSetting("outbox_lease", .int(\.outboxLease),
                      "Seconds a claimed delivery stays with the instance trying it before others may retry it",
                      range: 5...86_400),
        ]
    }

    /// docs/configuration.md: every setting with its variable, kind, default
    /// and range, from this table and `Config`'s defaults.
    public static func markdown() -> String {
        let defaults = Config()
        var text = """
            # Configuration reference

            Generated by `portcullis settings --markdown` from the server's own settings
            table; a test fails when this file and the code disagree. Regenerate it after
            adding or changing a setting:

                swift run portcullis settings --markdown > docs/configuration.md

            Settings come from the built-in defaults, then the JSON file (`--config FILE`
            or `PORTCULLIS_CONFIG`), then `BARONG_<KEY>` environment variables; the last
            one wins. Lists are JSON arrays in the file and comma-separated in the
            environment. An unknown key, a malformed value or a number outside its range
            stops start-up with exit code 64 and one line naming the setting. How the
            settings work together is explained in [operating.md](operating.md).

            | Key | Environment | Kind | Default | Range | What it does |
            |---|---|---|---|---|---|

            """
        for setting in table {
            let value = setting.field.text(in: defaults)
            let range = setting.range.map { "\($0.lowerBound)…\($0.upperBound)" } ?? ""
            let cells = ["`\(setting.key)`", "`BARONG_\(setting.key.uppercased())`", setting.field.kind,
                         value.isEmpty ? "(empty)" : "`\(value)`", range, setting.summary]
            text += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
        }
        return text
    }

    /// A table cell's text: `|` would end the cell and `<` start a tag.
    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// One `key=default` line per setting.
    public static func defaultsListing() -> String {
        let defaults = Config()
        return table.map { "\($0.key)=\($0.field.text(in: defaults))\n" }.joined()
    }
}
