/// The gem's keyboard-run patterns: every substring of length 6, 5, 4, 3 of
/// each keyboard row, in that order. The gem escapes the first `-` of a
/// pattern as `\-` before `Regexp.union` escapes it again, so such a pattern
/// only matches a literal `\-`; we keep that quirk to return the same numbers.
final class KeyboardPatterns: Sendable {
    static let shared = KeyboardPatterns()

    static let rows = [
        "1234567890-",
        "qwertyuiop",
        "asdfghjkl;",
        "zxcvbnm,./",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]:?_{\"+}",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
        "qazwsxedcrfvtgbyhnujmik,ol.p;/-['=]:?_{\"+}",
        "qazwsxedcrfvtgbyhnujmikolp",
        "]\"/=[;.-pl,0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1",
        "pl0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1",
        "]\"/[;.pl,okmijnuhbygvtfcrdxeszwaq",
        "plokmijnuhbygvtfcrdxeszwaq",
        "014725836914702583697894561230258/369*+-*/",
        "abcdefghijklmnopqrstuvwxyz",
    ]

    let matcher: AlternationMatcher

    init() {
        var patterns: [[Unicode.Scalar]] = []
        for row in Self.rows {
            let chars = Array(row.unicodeScalars)
            for length in stride(from: 6, through: 3, by: -1) where chars.count >= length {
                for start in 0...(chars.count - length) {
                    var piece = Array(chars[start..<start + length])
                    if let dash = piece.firstIndex(of: "-") { piece.insert("\\", at: dash) }
                    patterns.append(piece)
                }
            }
        }
        matcher = AlternationMatcher(patterns)
    }

    /// Ruby's `gsub(union, '*')`: every leftmost match becomes `*`.
    func mask(_ chars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        matcher.replace(in: chars, all: true)
    }
}
