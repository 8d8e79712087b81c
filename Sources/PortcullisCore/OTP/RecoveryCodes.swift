/// The recovery codes of a 2FA user: ten codes of ten characters from an
/// alphabet without look-alikes (no 0/o, 1/l/i), shown once as `xxxxx-xxxxx`.
/// Typed back, spaces, dashes and case do not matter.
public enum RecoveryCodes {
    public static let count = 10
    public static let length = 10
    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
    /// Purpose of the keyed hash that stores them (`SecretBox.keyedHash`).
    static let hashPurpose = "recovery-code"

    /// A new set, uniformly drawn (rejection sampling: no modulo bias).
    public static func generate() -> [String] {
        (0..<count).map { _ in
            var characters: [Character] = []
            while characters.count < length {
                let limit = UInt8(256 - 256 % alphabet.count)
                for byte in SecureRandom.bytes(16) where byte < limit && characters.count < length {
                    characters.append(alphabet[Int(byte) % alphabet.count])
                }
            }
            return String(characters.prefix(5)) + "-" + String(characters.suffix(5))
        }
    }

    /// The stored form of a code as shown (`xxxxx-xxxxx`): its keyed hash.
    static func hash(shown code: String, box: SecretBox) -> String {
        hash(code.replacingOccurrences(of: "-", with: ""), box: box)
    }

    /// The code as stored, or nil when it cannot be one (wrong length or a
    /// character outside the alphabet): such input is a wrong code.
    public static func normalize(_ input: String) -> String? {
        let kept = input.unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "\t" }
        guard kept.count == length else { return nil }
        let lowered = String(String.UnicodeScalarView(kept)).lowercased()
        return lowered.count == length && lowered.allSatisfy { alphabet.contains($0) } ? lowered : nil
    }

    static func hash(_ normalized: String, box: SecretBox) -> String {
        box.keyedHash(normalized, purpose: hashPurpose)
    }
}
