/// What an admin role may do, read from a file in
/// Barong's `config/abilities.yml` format. `manage` implies every action;
/// the subject `all` stands for every subject. A role without an entry
/// (e.g. `member`) may do nothing.
public struct AbilityTable: Sendable, Equatable {
    public enum Action: String, Sendable {
        case read, create, update, destroy
    }

    /// One role's entry, lists in file order (`GET admin/abilities` shows them).
    public struct Entry: Sendable, Equatable {
        public var read: [String]
        public var manage: [String]
    }

    public let roles: [String]
    public let entries: [String: Entry]

    public init(roles: [String], entries: [String: Entry]) {
        self.roles = roles
        self.entries = entries
    }

    public func can(_ action: Action, _ subject: String, role: String) -> Bool {
        guard let entry = entries[role] else { return false }
        if entry.manage.contains(subject) || entry.manage.contains("all") { return true }
        return action == .read && (entry.read.contains(subject) || entry.read.contains("all"))
    }

    /// Whether `granter` may do everything `role` may: a role without an
    /// entry (e.g. `member`) is covered by anyone's.
    public func covers(_ role: String, by granter: String) -> Bool {
        guard role != granter, let entry = entries[role] else { return true }
        let actions: [Action] = [.read, .create, .update, .destroy]
        let managed = entry.manage.contains("all") ? ["all"] : entry.manage
        let read = entry.read.contains("all") ? ["all"] : entry.read
        return managed.allSatisfy { subject in actions.allSatisfy { can($0, subject, role: granter) } }
            && read.allSatisfy { can(.read, $0, role: granter) }
    }

    /// Whether the role may do anything at all in the admin API (the console's door).
    public func hasAnyAbility(role: String) -> Bool {
        guard let entry = entries[role] else { return false }
        return !entry.read.isEmpty || !entry.manage.isEmpty
    }

    /// Barong's shipped table, embedded in the binary.
    public static func defaults() throws -> AbilityTable {
        try parse(String(decoding: PackageResources.abilities_yml, as: UTF8.self), file: "built-in abilities.yml")
    }

    /// Reads the YAML text; errors name `file`.
    public static func parse(_ text: String, file: String) throws -> AbilityTable {
        guard let root = BarongYAML.mapping(try BarongYAML.load(text, file: file)) else {
            throw ConfigError("\(file): expected a mapping with roles and admin_permissions")
        }
        let roles = root["roles"] == nil ? [] : try list(root["roles"], "roles", file)
        guard let permissions = BarongYAML.mapping(root["admin_permissions"]) else {
            throw ConfigError("\(file): admin_permissions must be a mapping of roles")
        }
        var entries: [String: Entry] = [:]
        for (role, value) in permissions {
            guard let actions = BarongYAML.mapping(value) else {
                throw ConfigError("\(file): admin_permissions.\(role) must map read/manage to lists")
            }
            for key in actions.keys where key != "read" && key != "manage" {
                throw ConfigError("\(file): admin_permissions.\(role).\(key): only read and manage are known")
            }
            entries[role] = Entry(
                read: actions["read"] == nil ? [] : try list(actions["read"], "admin_permissions.\(role).read", file),
                manage: actions["manage"] == nil ? [] : try list(actions["manage"], "admin_permissions.\(role).manage", file)
            )
        }
        return AbilityTable(roles: roles, entries: entries)
    }

    private static func list(_ value: Any?, _ name: String, _ file: String) throws -> [String] {
        guard let items = BarongYAML.strings(value) else { throw ConfigError("\(file): \(name) must be a list of names") }
        return items
    }
}
