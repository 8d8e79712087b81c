/// The gem's password variants: keyboard-shifted and leet-speak translations.
enum PasswordVariants {
    static let bottomRow: Set<Unicode.Scalar> = Set("zxcvbnm,./<>?".unicodeScalars)
    static let leetTriggers: Set<Unicode.Scalar> = Set("@!$1234567890".unicodeScalars)

    static let leet = map("@!$1234567890", "aisizeasgtbgo")
    static let leetAlt = map("@!$1234567890", "aislzeasgtbgo")
    static let downRight = map("aq1sw2de3fr4gt5hy6ju7i8o90", "zaqxswcdevfrbgtnhymjukilop")
    static let downLeft = map("2w3se4dr5ft6gy7hu8ji9ko0p-", "qawzsexdrcfvtgybhunjimkolp")

    /// The lower-cased password, its keyboard-shift variants (unless it has a
    /// bottom-row key) and its leet variants (when it has a leet character),
    /// each followed by its reversal; duplicates removed, order kept.
    static func all(_ lower: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var result = [lower]
        if !lower.contains(where: { bottomRow.contains($0) }) {
            result += translations(lower, downRight, downLeft)
        }
        if lower.contains(where: { leetTriggers.contains($0) }) {
            result += translations(lower, leet, leetAlt)
        }
        var unique: [[Unicode.Scalar]] = []
        for variant in result where !unique.contains(variant) { unique.append(variant) }
        return unique
    }

    private static func translations(
        _ chars: [Unicode.Scalar], _ maps: [Unicode.Scalar: Unicode.Scalar]...
    ) -> [[Unicode.Scalar]] {
        maps.flatMap { table -> [[Unicode.Scalar]] in
            let variant = chars.map { table[$0] ?? $0 }
            return [variant, variant.reversed()]
        }
    }

    private static func map(_ from: String, _ to: String) -> [Unicode.Scalar: Unicode.Scalar] {
        Dictionary(zip(from.unicodeScalars, to.unicodeScalars), uniquingKeysWith: { _, last in last })
    }
}
