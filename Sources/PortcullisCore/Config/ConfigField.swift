import Foundation

/// One settable key: its type and where it lands in `Config`.
enum ConfigField {
    case string(WritableKeyPath<Config, String>)
    case int(WritableKeyPath<Config, Int>)
    case bool(WritableKeyPath<Config, Bool>)
    case list(WritableKeyPath<Config, [String]>)
    case webhooks(WritableKeyPath<Config, [EventWebhook]>)
    /// One word of a fixed set (ConfigChoices): the words, how to read the
    /// current one and how to store one.
    case oneOf([String], get: (Config) -> String, set: (inout Config, String) -> Void)

    static func choice<Choice: RawRepresentable & CaseIterable>(_ path: WritableKeyPath<Config, Choice>) -> ConfigField
    where Choice.RawValue == String {
        .oneOf(Choice.allCases.map(\.rawValue), get: { $0[keyPath: path].rawValue }, set: { config, word in
            if let value = Choice(rawValue: word) { config[keyPath: path] = value }
        })
    }

    /// The kind of value, as the settings reference names it.
    var kind: String {
        switch self {
        case .string: "string"
        case .int: "integer"
        case .bool: "boolean"
        case .list: "list of strings"
        case .webhooks: "list of webhooks"
        case .oneOf(let words, _, _): "one of " + words.joined(separator: ", ")
        }
    }

    /// The value `config` holds, as the environment would spell it.
    func text(in config: Config) -> String {
        switch self {
        case .string(let path): config[keyPath: path]
        case .int(let path): String(config[keyPath: path])
        case .bool(let path): String(config[keyPath: path])
        case .list(let path): config[keyPath: path].joined(separator: ",")
        case .webhooks(let path): config[keyPath: path].isEmpty ? "[]" : "(\(config[keyPath: path].count) webhooks)"
        case .oneOf(_, let get, _): get(config)
        }
    }

    /// Every key the JSON file and `BARONG_*` variables accept.
    static var all: [String: ConfigField] {
        Dictionary(uniqueKeysWithValues: ConfigSettings.table.map { ($0.key, $0.field) })
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
        case .oneOf(let words, _, let store):
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
