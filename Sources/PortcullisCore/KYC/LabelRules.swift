/// Label keys and values are lower-cased and
/// whitespace-squished, then 3–255 characters of `[a-z0-9_-]`.
public enum LabelRules {
    public static func normalize(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The record key (`<attribute>.too_short` …) of the first rule broken, or nil.
    public static func violation(_ value: String, attribute: String) -> String? {
        if value.count < 3 { return "\(attribute).too_short" }
        if value.count > 255 { return "\(attribute).too_long" }
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        return allowed ? nil : "\(attribute).invalid"
    }
}
