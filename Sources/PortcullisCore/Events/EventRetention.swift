import Foundation

/// What an outbox event keeps once every sink has it (rows stay for audit):
/// no tokens, none of the personal fields the KYC tables keep sealed, and
/// not the user's anti-phishing code (sealed where it is kept).
public enum EventRetention {
    static let dropped: Set<String> = ["token", "first_name", "last_name", "dob", "address", "postcode", "city", "doc_number", "metadata"]
    public static let marker = "<delivered>"

    /// The record (or `changes`) with those fields' values replaced by the marker.
    public static func retained(_ json: String?) -> String? {
        guard let json, var object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return json }
        let keys = object.keys.filter { dropped.contains($0) && !(object[$0] is NSNull) }
        var user = object["user"] as? [String: Any]
        let antiPhishing = user?["anti_phishing_code"] != nil
        guard !keys.isEmpty || antiPhishing else { return json }
        for key in keys { object[key] = marker }
        if antiPhishing {
            user?["anti_phishing_code"] = marker
            object["user"] = user
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
