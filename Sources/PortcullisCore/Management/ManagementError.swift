/// A management API failure in Barong's own body format:
/// `{"error": "<sentence>"}`, `{"error": ["<full message>", …]}`, an
/// attribute → messages object, or the admin-style `{"errors": [keys]}`.
public struct ManagementError: Error, Sendable, Equatable {
    public let status: APIError.Status
    /// The body, as JSON text.
    public let body: String

    public init(_ status: APIError.Status, body: String) { self.status = status; self.body = body }

    /// `{"error": "<sentence>"}`.
    public static func sentence(_ status: APIError.Status, _ text: String) -> ManagementError {
        ManagementError(status, body: "{\"error\":\(JSONText.string(text))}")
    }

    /// `{"error": ["<message>", …]}`.
    public static func messages(_ status: APIError.Status, _ texts: [String]) -> ManagementError {
        ManagementError(status, body: "{\"error\":[\(texts.map(JSONText.string).joined(separator: ","))]}")
    }

    /// `{"errors": ["<key>", …]}`.
    public static func keys(_ status: APIError.Status, _ keys: [String]) -> ManagementError {
        ManagementError(status, body: "{\"errors\":[\(keys.map(JSONText.string).joined(separator: ","))]}")
    }

    public static let verificationFailed = sentence(.unauthorized, "Failed to verify JWT.")
    public static let notEnoughSignatures = sentence(.unauthorized, "Not enough signatures for the action.")
    public static let recordNotFound = sentence(.notFound, "Record is not found")

    /// Rails' full message of a record key (`email.invalid` → `Email is invalid`).
    public static func fullMessage(_ key: String) -> String {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return key }
        let attribute = parts[0].replacingOccurrences(of: "_", with: " ")
        let name = attribute.prefix(1).uppercased() + attribute.dropFirst()
        let rule = switch parts[1] {
        case "invalid": "is invalid"
        case "taken": "has already been taken"
        case "blank": "can't be blank"
        case "too_long": "is too long"
        case "too_short": "is too short"
        case "inclusion": "is not included in the list"
        default: parts[1]
        }
        return "\(name) \(rule)"
    }
}
