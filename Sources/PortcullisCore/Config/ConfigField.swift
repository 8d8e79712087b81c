import Foundation

/// One settable key: its type and where it lands in `Config`.
enum ConfigField {
    case string(WritableKeyPath<Config, String>)
    case int(WritableKeyPath<Config, Int>)
    case bool(WritableKeyPath<Config, Bool>)
    case list(WritableKeyPath<Config, [String]>)
    case webhooks(WritableKeyPath<Config, [EventWebhook]>)
    /// One word of a fixed set (ConfigChoices): the words, and how to store one.
    case oneOf([String], (inout Config, String) -> Void)

    static func choice<Choice: RawRepresentable & CaseIterable>(_ path: WritableKeyPath<Config, Choice>) -> ConfigField
    where Choice.RawValue == String {
        .oneOf(Choice.allCases.map(\.rawValue)) { config, word in
            if let value = Choice(rawValue: word) { config[keyPath: path] = value }
        }
    }

    /// Every key the JSON file and `BARONG_*` variables accept.
    static var all: [String: ConfigField] {
        [
            "app_name": .string(\.appName),
            "domain": .string(\.domain),
            "uid_prefix": .string(\.uidPrefix),
            "session_name": .string(\.sessionName),
            "session_expire_time": .int(\.sessionExpireTime),
            "login_throttle_account": .int(\.loginThrottleAccount),
            "login_throttle_ip": .int(\.loginThrottleIP),
            "webauthn_rp_id": .string(\.webauthnRPID),
            "admin_console": .bool(\.adminConsole),
            "admin_console_idle_timeout": .int(\.adminConsoleIdleTimeout),
            "webauthn_rp_name": .string(\.webauthnRPName),
            "webauthn_origins": .list(\.webauthnOrigins),
            "jwt_expire_time": .int(\.jwtExpireTime),
            "csrf_protection": .bool(\.csrfProtection),
            "apikey_nonce_lifetime": .int(\.apikeyNonceLifetime),
            "password_regexp": .string(\.passwordRegexp),
            "password_min_entropy": .int(\.passwordMinEntropy),
            "password_use_dictionary": .bool(\.passwordUseDictionary),
            "first_registration_superadmin": .bool(\.firstRegistrationSuperadmin),
            "captcha": .choice(\.captcha),
            "captcha_protected_endpoints": .list(\.captchaProtectedEndpoints),
            "recaptcha_site_key": .string(\.recaptchaSiteKey),
            "recaptcha_secret_key": .string(\.recaptchaSecretKey),
            "geetest_id": .string(\.geetestID),
            "geetest_key": .string(\.geetestKey),
            "phone_verification": .choice(\.phoneVerification),
            "twilio_phone_number": .string(\.twilioPhoneNumber),
            "twilio_account_sid": .string(\.twilioAccountSID),
            "twilio_auth_token": .string(\.twilioAuthToken),
            "twilio_service_sid": .string(\.twilioServiceSID),
            "sender_email": .string(\.senderEmail),
            "sender_name": .string(\.senderName),
            "smtp_host": .string(\.smtpHost),
            "smtp_port": .int(\.smtpPort),
            "smtp_user": .string(\.smtpUser),
            "smtp_password": .string(\.smtpPassword),
            "default_language": .string(\.defaultLanguage),
            "auth0_domain": .string(\.auth0Domain),
            "auth0_client_id": .string(\.auth0ClientID),
            "kyc_provider": .choice(\.kycProvider),
            "kycaid_authorization_token": .string(\.kycaidAuthorizationToken),
            "kycaid_api_endpoint": .string(\.kycaidAPIEndpoint),
            "kycaid_form_id": .string(\.kycaidFormID),
            "doc_num_limit": .int(\.docNumLimit),
            "required_docs_expire": .bool(\.requiredDocsExpire),
            "api_cors_origins": .string(\.apiCORSOrigins),
            "api_cors_max_age": .int(\.apiCORSMaxAge),
            "api_cors_allow_credentials": .bool(\.apiCORSAllowCredentials),
            "crc32_salt": .string(\.crc32Salt),
            "api_data_masking_enabled": .bool(\.apiDataMaskingEnabled),
            "gateway": .choice(\.gateway),
            "activation_requirements": .list(\.activationRequirements),
            "listen_host": .string(\.listenHost),
            "listen_port": .int(\.listenPort),
            "database_url": .string(\.databaseURL),
            "auto_migrate": .bool(\.autoMigrate),
            "database_pool_size": .int(\.databasePoolSize),
            "database_wait": .int(\.databaseWait),
            "jwt_private_key_path": .string(\.jwtPrivateKeyPath),
            "encryption_key": .string(\.encryptionKey),
            "smtp_tls": .choice(\.smtpTLS),
            "smtp_ca_file": .string(\.smtpCAFile),
            "twilio_api_base_url": .string(\.twilioAPIBaseURL),
            "twilio_verify_base_url": .string(\.twilioVerifyBaseURL),
            "recaptcha_verify_url": .string(\.recaptchaVerifyURL),
            "geetest_api_url": .string(\.geetestAPIURL),
            "auth0_jwks_url": .string(\.auth0JWKSURL),
            "upload_path": .string(\.uploadPath),
            "upload_max_bytes": .int(\.uploadMaxBytes),
            "log_format": .choice(\.logFormat),
            "log_level": .choice(\.logLevel),
            "trusted_proxies": .list(\.trustedProxies),
            "bcrypt_cost": .int(\.bcryptCost),
            "auth_cache_ttl": .int(\.authCacheTTL),
            "authz_rules_file": .string(\.authzRulesFile),
            "abilities_file": .string(\.abilitiesFile),
            "management_api_config": .string(\.managementAPIConfig),
            "management_api_require_exp": .bool(\.managementAPIRequireExp),
            "management_api_low_s_only": .bool(\.managementAPILowSOnly),
            "mgn_api_keys_user": .bool(\.mgnAPIKeysUser),
            "mgn_api_keys_sa": .bool(\.mgnAPIKeysSA),
            "profile_double_verification": .bool(\.profileDoubleVerification),
            "profile_verification_roles": .list(\.profileVerificationRoles),
            "user_storage_titles": .list(\.userStorageTitles),
            "sms_content_template": .string(\.smsContentTemplate),
            "phone_mock_code": .string(\.phoneMockCode),
            "kycaid_callback_secret": .string(\.kycaidCallbackSecret),
            "data_dir": .string(\.dataDir),
            "maxminddb_path": .string(\.maxminddbPath),
            "metrics_listen": .string(\.metricsListen),
            "authorize_listen": .string(\.authorizeListen),
            "http_idle_timeout": .int(\.httpIdleTimeout),
            "event_api_rabbitmq_host": .string(\.eventAPIRabbitMQHost),
            "event_api_rabbitmq_port": .int(\.eventAPIRabbitMQPort),
            "event_api_rabbitmq_username": .string(\.eventAPIRabbitMQUsername),
            "event_api_rabbitmq_password": .string(\.eventAPIRabbitMQPassword),
            "event_api_rabbitmq_url": .string(\.eventAPIRabbitMQURL),
            "event_webhooks": .webhooks(\.eventWebhooks),
            "outbox_max_retry_delay": .int(\.outboxMaxRetryDelay),
            "outbox_lease": .int(\.outboxLease),
        ]
    }

    /// A value from the JSON file: typed JSON, or a string in the env syntax.
    func apply(json value: Any, to config: inout Config, name: String) throws {
        switch (self, value) {
        case (.webhooks(let path), _):
            config[keyPath: path] = try EventWebhook.parse(value, name: name)
        case (.string(let path), let text as String):
            config[keyPath: path] = text
        case (.list(let path), let items as [Any]):
            config[keyPath: path] = try items.map {
                guard let text = $0 as? String else { throw ConfigError("\(name): list items must be strings") }
                return text
            }
        case (.int(let path), let number as NSNumber) where !Self.isBool(number):
            guard let exact = Int(exactly: number.doubleValue) else {
                throw ConfigError("\(name): '\(number)' is not an integer")
            }
            config[keyPath: path] = exact
        case (.bool(let path), let number as NSNumber) where Self.isBool(number):
            config[keyPath: path] = number.boolValue
        case (_, let text as String):
            try apply(text: text, to: &config, name: name)
        default:
            throw ConfigError("\(name): '\(value)' has the wrong type")
        }
    }

    /// A value from the environment (always text).
    func apply(text: String, to config: inout Config, name: String) throws {
        switch self {
        case .string(let path):
            config[keyPath: path] = text
        case .int(let path):
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigError("\(name): '\(text)' is not an integer")
            }
            config[keyPath: path] = number
        case .bool(let path):
            switch text.lowercased() {
            case "true", "1", "yes", "on": config[keyPath: path] = true
            case "false", "0", "no", "off": config[keyPath: path] = false
            default: throw ConfigError("\(name): '\(text)' is not true or false")
            }
        case .webhooks(let path):
            config[keyPath: path] = try EventWebhook.parse(text, name: name)
        case .oneOf(let words, let store):
            guard words.contains(text) else { throw ConfigError("\(name): '\(text)' is not one of \(words.joined(separator: ", "))") }
            store(&config, text)
        case .list(let path):
            config[keyPath: path] = text.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
