import Foundation

/// The `pass` and `block` path prefixes of the authorize rules (plain string
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

    /// Blocks compare without regard to ASCII case (as permission rows do), so
    /// `api/v2/barong/Management` is blocked too; passes stay exact — a
    /// differently spelled public path only needs a session (stricter).
    func blocks(_ path: String) -> Bool { block.contains { path.hasPrefixIgnoringASCIICase($0) } }
    func passes(_ path: String) -> Bool { pass.contains { path.hasPrefix($0) } }

    /// Reads Barong's rules file (`rules:` with `pass:` and `block:` lists, in
    /// any YAML spelling, e.g. `pass: [a, b]`); errors name `file`.
    public static func parseYAML(_ text: String, file: String = "rules file") throws -> AccessRules {
        var rules = AccessRules(pass: [], block: [])
        let root = try BarongYAML.load(text, file: file)
        if root == nil { return rules }
        guard let top = BarongYAML.mapping(root), top.keys.allSatisfy({ $0 == "rules" }) else {
            throw ConfigError("\(file): cannot read it: expected 'rules:' with pass and block lists")
        }
        let body = top["rules"].flatMap { $0 is NSNull ? nil : $0 } ?? [String: Any]()
        guard let sections = BarongYAML.mapping(body) else {
            throw ConfigError("\(file): cannot read 'rules': expected pass and block lists")
        }
        for (section, value) in sections {
            guard section == "pass" || section == "block" else { throw ConfigError("\(file): unknown section '\(section):'") }
            guard let items = value is NSNull ? [] : BarongYAML.strings(value) else {
                throw ConfigError("\(file): list item outside pass/block")
            }
            if section == "pass" { rules.pass = items } else { rules.block = items }
        }
        return rules
    }
}
