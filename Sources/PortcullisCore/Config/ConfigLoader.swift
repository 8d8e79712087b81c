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
        // Every number is bounded (the settings table gives each its range).
        for setting in ConfigSettings.table {
            guard let range = setting.range, case .int(let path) = setting.field, !range.contains(config[keyPath: path]) else { continue }
            throw ConfigError("\(setting.key): must be \(range.lowerBound) to \(range.upperBound)")
        }
        if config.passwordBreachCheck == .file, config.passwordBreachFile.isEmpty {
            throw ConfigError("password_breach_file: must name the breach list when password_breach_check is file")
        }
        if config.passwordBreachCheck == .range {
            let url = URLComponents(string: config.passwordBreachAPIURL)
            guard let url, ["http", "https"].contains(url.scheme ?? ""), !(url.host ?? "").isEmpty, url.query == nil,
                  url.fragment == nil, url.user == nil else {
                throw ConfigError("password_breach_api_url: must be an http:// or https:// base URL (a host, no query or credentials)")
            }
        }
        if config.oidcEnabled, URL(string: config.oidcLoginURL)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ConfigError("oidc_login_url: must be the front-end's sign-in page (http:// or https://) when oidc_enabled is true")
        }
        if !config.oidcIssuer.isEmpty, URL(string: config.oidcIssuer)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ConfigError("oidc_issuer: must be an http:// or https:// URL")
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
