import Foundation

/// E-mail syntax: a local part of 1–64 letters, digits and
/// `-+._`; a domain of `label.` groups ending in a TLD of ≥ 2 letters;
/// at most 255 characters. Stored lower-cased.
public enum EmailAddress {
    private static let pattern = try! NSRegularExpression(
        pattern: #"^[\p{L}0-9\-+._]{1,64}@(?:[\p{L}0-9\-]+\.)+\p{L}{2,}$"#
    )

    /// The normalised address, or nil when the syntax is wrong.
    public static func normalize(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 255 else { return nil }
        let range = NSRange(trimmed.startIndex..., in: trimmed)
        guard pattern.firstMatch(in: trimmed, range: range) != nil else { return nil }
        return trimmed.lowercased()
    }
}
