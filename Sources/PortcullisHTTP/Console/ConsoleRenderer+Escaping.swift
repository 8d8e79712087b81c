import Mustache

/// HTML escaping by Unicode scalar, for every value a console page shows.
///
/// swift-mustache's own HTML content type compares whole `Character`s, and a
/// grapheme cluster can hide `<` behind a prepend mark (`"\u{0600}<"`) or in
/// front of a combining one (`">\u{0301}"`): such a cluster equals neither
/// `<` nor `>` and was written raw, so stored text became markup on an
/// operator's page (issue 28). Here every scalar is looked at on its own.
/// Upstream could fix it the same way: iterate `unicodeScalars` (or UTF-8
/// bytes) in `String.htmlEscape()`, not `Character`s.
extension ConsoleRenderer {
    /// The content type's name in the `{{% CONTENT_TYPE: … }}` pragma.
    static let contentTypeName = "PORTCULLIS_HTML"

    /// What `escape` replaces; NUL, which HTML parsers turn into U+FFFD anyway, is replaced here.
    static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        escaped.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            case "\0": escaped.append("\u{FFFD}")
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// Every template starts with this pragma, so each one — a partial too,
    /// which swift-mustache renders with its default HTML type — escapes by scalar.
    static func withScalarEscaping(_ template: String) -> String {
        "{{% CONTENT_TYPE: \(contentTypeName) }}" + template
    }
}

/// The mustache content type that escapes with `ConsoleRenderer.escape`.
struct ScalarHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { ConsoleRenderer.escape(text) }
}
