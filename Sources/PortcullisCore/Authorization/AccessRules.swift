import Foundation

/// The `pass` and `block` path prefixes of api.md §3.1 (plain string
/// prefixes: `api/v2/barong/public` also matches `…/publicity`).
public struct AccessRules: Sendable, Equatable {
    public var pass: [String]
    public var block: [String]

    public static let defaults = AccessRules(
        pass: ["api/v2/barong/public", "api/v2/barong/identity", "api/v2/peatio/public", "api/v2/ranger/public",
               "api/v2/applogic/public", "api/v2/arke/public", "api/v2/finex/public"],
        block: ["api/v2/barong/management", "api/v2/peatio/management"]
    )

    public init(pass: [String], block: [String]) {
        self.pass = pass
        self.block = block
    }

    func blocks(_ path: String) -> Bool { block.contains { path.hasPrefix($0) } }
    func passes(_ path: String) -> Bool { pass.contains { path.hasPrefix($0) } }

    /// Reads Barong's rules file: `rules:` with `pass:` and `block:` lists
    /// (the YAML subset that file uses: nested keys and `- item` lines).
    public static func parseYAML(_ text: String) throws -> AccessRules {
        var rules = AccessRules(pass: [], block: [])
        var section: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed == "rules:" { continue }
            if trimmed.hasSuffix(":") {
                section = String(trimmed.dropLast())
                guard section == "pass" || section == "block" else { throw ConfigError("rules file: unknown section '\(trimmed)'") }
            } else if trimmed.hasPrefix("- ") {
                let item = trimmed.dropFirst(2).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                switch section {
                case "pass": rules.pass.append(item)
                case "block": rules.block.append(item)
                default: throw ConfigError("rules file: list item outside pass/block")
                }
            } else {
                throw ConfigError("rules file: cannot read '\(trimmed)'")
            }
        }
        return rules
    }
}
