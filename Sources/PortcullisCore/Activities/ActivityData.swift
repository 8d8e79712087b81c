import Foundation

/// The JSON text stored in an activity's `data`.
public enum ActivityData {
    public static func reason(_ text: String) -> String { fields(["reason": text]) }

    /// A flat object of strings, keys sorted.
    public static func fields(_ object: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
