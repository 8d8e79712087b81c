/// Masking of personal data in response bodies.
public enum Masking {
    /// Keep the country-code digits and the last 4 digits, `*` in between.
    public static func phone(_ number: String, countryCodeLength: Int) -> String {
        let chars = Array(number)
        let keepHead = max(0, countryCodeLength)
        guard chars.count > keepHead + 4 else { return number }
        let middle = String(repeating: "*", count: chars.count - keepHead - 4)
        return String(chars.prefix(keepHead)) + middle + String(chars.suffix(4))
    }

    /// Keep the first character, `*` for the rest.
    public static func lastName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }

    /// Keep the first 8 characters (`1990-04-`), `*` for the rest.
    public static func dateOfBirth(_ dob: String) -> String {
        guard dob.count > 8 else { return dob }
        return String(dob.prefix(8)) + String(repeating: "*", count: dob.count - 8)
    }

    /// Keep the first 2 and last 2 characters.
    public static func documentNumber(_ number: String) -> String {
        guard number.count > 4 else { return number }
        return String(number.prefix(2)) + String(repeating: "*", count: number.count - 4) + String(number.suffix(2))
    }
}
