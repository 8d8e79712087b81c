import Foundation

/// A setting that is missing a valid value; start-up stops with exit code 64
/// and this one-line message.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds a `Config`: built-in defaults, then the JSON file, then
/// `BARONG_<KEY>` environment variables (last wins); docs/configuration.md lists every key.
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
        // Barong reads this one without its prefix.
        if let url = environment["EVENT_API_RABBITMQ_URL"] { config.eventAPIRabbitMQURL = url }
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
        guard config.sqlitePath != nil || config.databaseURL.hasPrefix("postgres://")
                || config.databaseURL.hasPrefix("postgresql://") else {
            throw ConfigError("database_url: must start with sqlite:// or postgres://")
        }
        guard (1...65535).contains(config.listenPort) || config.listenPort == 0 else {
            throw ConfigError("listen_port: must be 0 to 65535")
        }
        for (key, text, address, example) in [("metrics_listen", config.metricsListen, config.metricsAddress, "127.0.0.1:9100"),
                                               ("authorize_listen", config.authorizeListen, config.authorizeAddress, "127.0.0.1:8002")]
        where !text.isEmpty {
            guard let address, (0...65535).contains(address.port) else {
                throw ConfigError("\(key): must be HOST:PORT, e.g. \(example)")
            }
            guard address.host != config.listenHost || address.port != config.listenPort || address.port == 0 else {
                throw ConfigError("\(key): must differ from the API's listen_host:listen_port")
            }
        }
        if let metrics = config.metricsAddress, let gateway = config.authorizeAddress, metrics == gateway, metrics.port != 0 {
            throw ConfigError("authorize_listen: must differ from metrics_listen")
        }
        // Every number is bounded: times are added to the clock and sizes
        // multiplied, and an overflowing Int traps the whole process.
        let year = 31_536_000
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("database_pool_size", config.databasePoolSize, 2...500),
            ("database_wait", config.databaseWait, 1...300),
            ("bcrypt_cost", config.bcryptCost, 4...31),
            ("session_expire_time", config.sessionExpireTime, 1...year),
            ("login_throttle_account", config.loginThrottleAccount, 0...1_000_000),
            ("login_throttle_ip", config.loginThrottleIP, 0...1_000_000),
            ("jwt_expire_time", config.jwtExpireTime, 1...year),
            ("admin_console_idle_timeout", config.adminConsoleIdleTimeout, 1...86_400),
            ("apikey_nonce_lifetime", config.apikeyNonceLifetime, 1...86_400_000),
            ("password_min_entropy", config.passwordMinEntropy, 0...10_000),
            ("smtp_port", config.smtpPort, 1...65535),
            ("doc_num_limit", config.docNumLimit, 0...100_000),
            ("api_cors_max_age", config.apiCORSMaxAge, 0...year),
            ("upload_max_bytes", config.uploadMaxBytes, 1...(1 << 30)),
            ("auth_cache_ttl", config.authCacheTTL, 0...3_600),
            ("http_idle_timeout", config.httpIdleTimeout, 1...3_600),
            ("event_api_rabbitmq_port", config.eventAPIRabbitMQPort, 1...65535),
            ("outbox_max_retry_delay", config.outboxMaxRetryDelay, 1...86_400),
            ("outbox_lease", config.outboxLease, 5...86_400),
        ]
        for (name, value, range) in ranges where !range.contains(value) {
            throw ConfigError("\(name): must be \(range.lowerBound) to \(range.upperBound)")
        }
        if !config.eventAPIRabbitMQURL.isEmpty, !config.eventAPIRabbitMQURL.hasPrefix("amqp://") {
            throw ConfigError("event_api_rabbitmq_url: must be amqp://user:password@host:port/vhost")
        }
        if !config.encryptionKey.isEmpty,
           Data(base64Encoded: config.encryptionKey)?.count != 32 {
            throw ConfigError("encryption_key: must be base64 of 32 bytes")
        }
    }
}
