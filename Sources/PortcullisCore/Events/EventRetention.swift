import Foundation

/// What an outbox event keeps once every sink has it (rows stay for audit):
/// no tokens, and none of the personal fields the KYC tables keep sealed.
public enum EventRetention {
    static let dropped: Set<String> = ["token", "first_name", "last_name", "dob", "address", "postcode", "city", "doc_number", "metadata"]
    public static let marker = "<delivered>"

    /// The record (or `changes`) with those fields' values replaced by the marker.
    public static func retained(_ json: String?) -> String? {
        guard let json, var object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return json }
        let keys = object.keys.filter { dropped.contains($0) && !(object[$0] is NSNull) }
        guard !keys.isEmpty else { return json }
        for key in keys { object[key] = marker }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
