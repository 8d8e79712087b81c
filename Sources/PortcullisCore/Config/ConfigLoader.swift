import Foundation

/// A setting that is missing a valid value; start-up stops with exit code 64
/// and this one-line message.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds a `Config`: built-in defaults, then the JSON file, then
/// `BARONG_<KEY>` environment variables (last wins), as operations.md says.
public struct ConfigLoader {
    public init() {}

    public func load(file: String?, environment: [String: String]) throws -> Config {
        var config = Config()
        let fields = ConfigField.all
        if let file {
            let object = try readJSONObject(at: file)
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let field = fields[key] else {
                    throw ConfigError("\(file): unknown setting '\(key)'")
                }
                try field.apply(json: value, to: &config, name: key)
            }
        }
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
            if let text = environment["BARONG_\(key.uppercased())"] {
                try field.apply(text: text, to: &config, name: "BARONG_\(key.uppercased())")
            }
        }
        try validate(config)
        return config
    }

    private func readJSONObject(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("config file '\(path)' cannot be read")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigError("config file '\(path)' is not a JSON object")
        }
        return object
    }

    private func validate(_ config: Config) throws {
        let prefix = config.uidPrefix
        guard (2...6).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw ConfigError("uid_prefix: must be 2 to 6 letters")
        }
        guard (try? NSRegularExpression(pattern: config.passwordRegexp)) != nil else {
            throw ConfigError("password_regexp: not a valid regular expression")
        }
        let choices: [(String, String, [String])] = [
            ("captcha", config.captcha, ["none", "recaptcha", "geetest"]),
            ("phone_verification", config.phoneVerification, ["mock", "twilio_sms", "twilio_verify"]),
            ("smtp_tls", config.smtpTLS, ["none", "starttls", "tls"]),
            ("log_format", config.logFormat, ["text", "json"]),
            ("log_level", config.logLevel, ["trace", "debug", "info", "notice", "warning", "error", "critical"]),
            ("kyc_provider", config.kycProvider, ["local", "kycaid"]),
            ("gateway", config.gateway, ["cloudflare", "akamai", "none"]),
        ]
        for (name, value, allowed) in choices where !allowed.contains(value) {
            throw ConfigError("\(name): '\(value)' is not one of \(allowed.joined(separator: ", "))")
        }
        guard config.sqlitePath != nil || config.databaseURL.hasPrefix("postgres://")
                || config.databaseURL.hasPrefix("postgresql://") else {
            throw ConfigError("database_url: must start with sqlite:// or postgres://")
        }
        guard (1...65535).contains(config.listenPort) || config.listenPort == 0 else {
            throw ConfigError("listen_port: must be 0 to 65535")
        }
        if !config.metricsListen.isEmpty {
            guard let address = config.metricsAddress, (0...65535).contains(address.port) else {
                throw ConfigError("metrics_listen: must be HOST:PORT, e.g. 127.0.0.1:9100")
            }
            guard address.host != config.listenHost || address.port != config.listenPort || address.port == 0 else {
                throw ConfigError("metrics_listen: must differ from the API's listen_host:listen_port")
            }
        }
        guard (2...500).contains(config.databasePoolSize) else {
            throw ConfigError("database_pool_size: must be 2 to 500")
        }
        guard (1...300).contains(config.databaseWait) else {
            throw ConfigError("database_wait: must be 1 to 300 seconds")
        }
        guard (4...31).contains(config.bcryptCost) else {
            throw ConfigError("bcrypt_cost: must be 4 to 31")
        }
        guard config.sessionExpireTime > 0, config.jwtExpireTime > 0 else {
            throw ConfigError("session_expire_time and jwt_expire_time: must be positive")
        }
        if !config.encryptionKey.isEmpty,
           Data(base64Encoded: config.encryptionKey)?.count != 32 {
            throw ConfigError("encryption_key: must be base64 of 32 bytes")
        }
    }
}
