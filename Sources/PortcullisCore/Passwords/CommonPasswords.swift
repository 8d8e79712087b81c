/// The gem's list of common passwords (data file `Data/common_passwords.txt`,
/// ported from strong_password 0.0.9), words of 4 or more characters, longest
/// first as the gem sorts them.
final class CommonPasswords: Sendable {
    static let shared = CommonPasswords()

    let matcher: AlternationMatcher

    init() {
        let text = String(decoding: PackageResources.common_passwords_txt, as: UTF8.self)
        let words = text.split(whereSeparator: \.isNewline)
            .map { Array($0.unicodeScalars) }
            .filter { $0.count >= 4 }
        // Stable sort, longest first; equal-length words cannot both match at
        // one position, so their relative order does not change results.
        let sorted = words.enumerated()
            .sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .map(\.element)
        matcher = AlternationMatcher(sorted)
    }

    /// Ruby's `sub(union, '*')`: only the first match is replaced.
    func maskFirst(_ chars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        matcher.replace(in: chars, all: false)
    }
}
