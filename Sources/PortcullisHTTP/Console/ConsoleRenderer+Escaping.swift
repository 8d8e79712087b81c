import Mustache
import PortcullisCore

/// Every value a console page shows is escaped by Unicode scalar.
///
/// swift-mustache's own HTML content type compares whole `Character`s, so
/// `"\u{0600}<"` or `">\u{0301}"` — one cluster each, equal to neither `<`
/// nor `>` — was written raw and stored text became markup on an operator's
/// page. Upstream could fix it the same way: iterate
/// `unicodeScalars` (or UTF-8 bytes) in `String.htmlEscape()`, not `Character`s.
extension ConsoleRenderer {
    /// The content type's name in the `{{% CONTENT_TYPE: … }}` pragma.
    static let contentTypeName = "PORTCULLIS_HTML"

    /// Every template starts with this pragma, so each one — a partial too,
    /// which swift-mustache renders with its default HTML type — escapes by scalar.
    static func withScalarEscaping(_ template: String) -> String {
        "{{% CONTENT_TYPE: \(contentTypeName) }}" + template
    }
}

/// The mustache content type that escapes with `HTMLText.escape`.
struct ScalarHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { HTMLText.escape(text) }
}
