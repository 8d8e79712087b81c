/// HTML escaping by Unicode scalar, for every value written into markup (the
/// console's pages, the HTML part of mails).
///
/// Comparing `Character`s is not enough: a grapheme cluster can hide `<`
/// behind a prepend mark (`"\u{0600}<"`) or in front of a combining one
/// (`">\u{0301}"`), and such a cluster equals neither `<` nor `>`.
/// Here every scalar is looked at on its own; NUL, which HTML parsers turn
/// into U+FFFD anyway, is replaced.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
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
}
