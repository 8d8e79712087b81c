/// A permission row.
public struct Permission: Sendable, Equatable {
    public var role: String
    public var verb: String
    public var path: String
    public var action: String
    public var topic: String?

    public init(role: String, verb: String, path: String, action: String, topic: String?) {
        self.role = role; self.verb = verb; self.path = path; self.action = action; self.topic = topic
    }

    /// The path is a prefix compared without regard to ASCII case: an
    /// upstream that routes `Admin/orders` as `admin/orders` cannot be reached
    /// around a row written in lower case.
    func matches(role: String, method: String, path: String) -> Bool {
        self.role == role && (verb == "ALL" || verb == method) && path.hasPrefixIgnoringASCIICase(self.path)
    }
}

extension String {
    /// `hasPrefix` with ASCII letters compared case-insensitively, byte by byte (no copy on the gateway path).
    func hasPrefixIgnoringASCIICase(_ prefix: String) -> Bool {
        var text = utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let byte = text.next(), Self.asciiLower(byte) == Self.asciiLower(expected) else { return false }
        }
        return true
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

public protocol PermissionRepository: Sendable {
    func permissions() async throws -> [Permission]
}

/// What the permission check decided for one request.
public struct PermissionDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The topic of the first AUDIT row, when the request must be audited.
    public var auditTopic: String?
}

/// Evaluates permissions: same role, verb or ALL, path prefix; any DROP or
/// no ACCEPT refuses; any AUDIT asks for an admin activity.
public enum PermissionRules {
    public static func decide(_ rows: [Permission], role: String, method: String, path: String) -> PermissionDecision {
        let matching = rows.filter { $0.matches(role: role, method: method, path: path) }
        let allowed = !matching.isEmpty && !matching.contains { $0.action == "DROP" } && matching.contains { $0.action == "ACCEPT" }
        var topic: String?
        if let audit = matching.first(where: { $0.action == "AUDIT" }) {
            topic = audit.topic.flatMap { $0.isEmpty ? nil : $0 } ?? defaultTopic(path)
        }
        return PermissionDecision(allowed: allowed, auditTopic: topic)
    }

    /// The segment after `admin/`, else `general`.
    static func defaultTopic(_ path: String) -> String {
        guard let range = path.range(of: "admin/") else { return "general" }
        return path[range.upperBound...].split(separator: "/").first.map(String.init) ?? "general"
    }
}
