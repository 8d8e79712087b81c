/// Barong's password entropy: the estimate of the strong_password gem 0.0.9
/// (MIT), ported rule for rule so `password/validate` answers the same number.
/// Works on Unicode scalars, as Ruby's `String#chars` does.
public struct PasswordEntropy: Sendable {
    public let threshold: Double
    public let useDictionary: Bool

    /// Only the first 1000 characters of a password count (gem's PASSWORD_LIMIT).
    static let passwordLimit = 1000

    public init(minEntropy: Int, useDictionary: Bool) {
        self.threshold = Double(minEntropy)
        self.useDictionary = useDictionary
    }

    public func entropy(of password: String) -> Double {
        let base = Array(password.unicodeScalars.prefix(Self.passwordLimit))
        let lower = Self.lowercase(base)
        var values = [Self.bits(base), Self.bits(lower), keyboard(base)]
        if useDictionary { values.append(dictionary(base)) }
        return values.min() ?? 0
    }

    // MARK: - bits

    /// NIST-style bits with repeated characters weakened, plus bonus bits.
    static func bits(_ chars: [Unicode.Scalar]) -> Double {
        var weight: [UInt32: Double] = [:]
        var total = 0.0
        for (index, char) in chars.enumerated() {
            let value = weight[char.value] ?? 1
            weight[char.value] = value * 0.75
            switch index {
            case 0: total += 4
            case 1...7: total += 2 * value
            case 8...19: total += 1.5 * value
            default: total += value
            }
        }
        return total + bonus(chars)
    }

    static func bonus(_ chars: [Unicode.Scalar]) -> Double {
        let upper = chars.contains { $0.properties.generalCategory == .uppercaseLetter }
        let lower = chars.contains { $0.properties.generalCategory == .lowercaseLetter }
        let digit = chars.contains { $0.properties.generalCategory == .decimalNumber }
        let other = chars.contains { !isASCIIAlnum($0) && $0 != " " }
        var bonus: Double
        if upper && lower && other && digit {
            bonus = 6
        } else if upper && lower && other && !digit {
            bonus = 5
        } else if digit && other && !upper && !lower {
            bonus = -2
        } else if digit && !other && !upper && !lower {
            bonus = -6
        } else {
            bonus = 0
        }
        if !chars.contains(" ") {
            bonus -= 2
        } else if rubyWhitespaceSplitCount(chars) > 3 {
            bonus += 1
        }
        return bonus
    }

    /// Number of fields of Ruby's `split(/\s+/)`: a leading empty field is
    /// kept, trailing empty fields are dropped.
    static func rubyWhitespaceSplitCount(_ chars: [Unicode.Scalar]) -> Int {
        var fields: [Int] = []  // lengths
        var current = 0
        var inSpace = false
        for char in chars {
            if isRubySpace(char) {
                if !inSpace { fields.append(current); current = 0 }
                inSpace = true
            } else {
                current += 1
                inSpace = false
            }
        }
        fields.append(current)
        while let last = fields.last, last == 0 { fields.removeLast() }
        return fields.count
    }

    static func isRubySpace(_ char: Unicode.Scalar) -> Bool {
        [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"].contains(char)
    }

    static func isASCIIAlnum(_ char: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(char) || ("A"..."Z").contains(char) || ("0"..."9").contains(char)
    }

    static func lowercase(_ chars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: chars)
        return Array(String(text).lowercased().unicodeScalars)
    }

    // MARK: - keyboard

    func keyboard(_ chars: [Unicode.Scalar]) -> Double {
        let reversed = Array(chars.reversed())
        var lowest = min(Self.bits(chars), Self.bits(reversed))
        if lowest < threshold { return lowest }
        let masked = KeyboardPatterns.shared.mask(chars)
        if masked != chars { lowest = min(lowest, Self.bits(masked)) }
        if lowest < threshold { return lowest }
        let maskedReversed = KeyboardPatterns.shared.mask(reversed)
        if maskedReversed != reversed { lowest = min(lowest, Self.bits(maskedReversed)) }
        return lowest
    }

    // MARK: - dictionary

    func dictionary(_ chars: [Unicode.Scalar]) -> Double {
        let base = Self.lowercase(chars)
        var lowest = Self.bits(base)
        for variant in PasswordVariants.all(base) {
            lowest = min(lowest, Self.bits(CommonPasswords.shared.maskFirst(variant)))
        }
        return lowest
    }
}
