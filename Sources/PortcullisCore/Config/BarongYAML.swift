import Yams

/// The one reader of Barong's YAML files (authorize rules, abilities,
/// `management_api.yml`): Yams parses, and every failure becomes a
/// `ConfigError` that names the file, so start-up stops with exit 64.
public enum BarongYAML {
    /// The document's root, or a `ConfigError` "<file>: <reason>".
    public static func load(_ text: String, file: String) throws -> Any? {
        do {
            return try Yams.load(yaml: text)
        } catch let error as YamlError {
            throw ConfigError("\(file): not valid YAML (\(reason(error)))")
        } catch {
            throw ConfigError("\(file): not valid YAML")
        }
    }

    /// A mapping's entries with string keys, or nil when `value` is not a mapping.
    public static func mapping(_ value: Any?) -> [String: Any]? {
        if let map = value as? [String: Any] { return map }
        guard let map = value as? [AnyHashable: Any] else { return nil }
        var result: [String: Any] = [:]
        for (key, item) in map { result["\(key)"] = item }
        return result
    }

    /// A list of scalars as strings (`pass: [a, b]` or `- a` lines), or nil.
    public static func strings(_ value: Any?) -> [String]? {
        guard let items = value as? [Any] else { return nil }
        var result: [String] = []
        for item in items {
            switch item {
            case let text as String: result.append(text)
            case let number as Int: result.append(String(number))
            default: return nil
            }
        }
        return result
    }

    private static func reason(_ error: YamlError) -> String {
        // Yams' descriptions span lines (they quote the offending line); one line is enough here.
        let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
        return text.trimmingCharacters(in: .whitespaces)
    }
}
