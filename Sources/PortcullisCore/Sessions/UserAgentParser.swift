import Foundation
import Yams

/// Browser and OS from a User-Agent, by the ua-parser project's
/// `regexes.yaml` (Debian's `uap-core`): its `user_agent_parsers` and
/// `os_parsers`, the first match of each list winning, with their
/// `*_replacement` rules (`$1`…`$4` are the match's groups).
public struct UserAgentParser: Sendable {
    struct Rule: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe once made
        let regex: NSRegularExpression
        let name: String?
        let major: String?
    }

    let browsers: [Rule]
    let systems: [Rule]
    /// Where Debian's `uap-core` puts the file.
    public static let debianPath = "/usr/share/uap-core/regexes.yaml"

    /// The parser from the YAML file, or nil when there is none (the mail then shows the raw User-Agent).
    public static func load(path: String = debianPath) -> UserAgentParser? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let document = try? Yams.load(yaml: text) as? [String: Any] else { return nil }
        func rules(_ key: String, name: String, major: String) -> [Rule] {
            (document[key] as? [[String: Any]] ?? []).compactMap { entry in
                guard let pattern = entry["regex"] as? String else { return nil }
                let options: NSRegularExpression.Options = (entry["regex_flag"] as? String) == "i" ? [.caseInsensitive] : []
                guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
                return Rule(regex: regex, name: entry[name] as? String, major: entry[major] as? String)
            }
        }
        return UserAgentParser(browsers: rules("user_agent_parsers", name: "family_replacement", major: "v1_replacement"),
                               systems: rules("os_parsers", name: "os_replacement", major: "os_v1_replacement"))
    }

    /// "Firefox 120 on Ubuntu", "Chrome 119 on Windows 10"; "Other" parts left out.
    public func describe(_ userAgent: String) -> String {
        let agent = String(userAgent.prefix(512))
        let browser = Self.match(browsers, agent)
        let system = Self.match(systems, agent)
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) on \(system)"
        case let (browser?, nil): return browser
        case let (nil, system?): return "a browser on \(system)"
        case (nil, nil): return "an unknown browser"
        }
    }

    /// The first rule that matches: its name (group 1 unless replaced) and major version (group 2 unless replaced).
    static func match(_ rules: [Rule], _ agent: String) -> String? {
        let range = NSRange(agent.startIndex..., in: agent)
        for rule in rules {
            guard let found = rule.regex.firstMatch(in: agent, range: range) else { continue }
            func group(_ index: Int) -> String? {
                guard index < found.numberOfRanges, let range = Range(found.range(at: index), in: agent) else { return nil }
                return String(agent[range])
            }
            func fill(_ template: String) -> String {
                var text = template
                for index in 1...4 { text = text.replacingOccurrences(of: "$\(index)", with: group(index) ?? "") }
                return text.trimmingCharacters(in: .whitespaces)
            }
            let name = rule.name.map(fill) ?? group(1) ?? ""
            guard !name.isEmpty, name != "Other" else { return nil }
            let major = rule.major.map(fill) ?? group(2)
            return [name, major].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        return nil
    }
}
