/// The length of a number's country calling code (ITU E.164 assignments),
/// used by phone masking: 1 for zone 1 and 7, 2 for the listed two-digit
/// codes, else 3. Phones themselves arrive with the KYC issue.
public enum PhoneCountryCode {
    static let twoDigit: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    public static func length(of number: String) -> Int {
        guard let first = number.first else { return 2 }
        if first == "1" || first == "7" { return 1 }
        return twoDigit.contains(String(number.prefix(2))) ? 2 : 3
    }
}
