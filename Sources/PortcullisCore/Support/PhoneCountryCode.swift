/// The length of a number's country calling code, from `CallingCodes`
/// (2 when it cannot be determined).
public enum PhoneCountryCode {
    public static func length(of number: String) -> Int {
        PhoneNumber.parse(number)?.countryCode.description.count ?? 2
    }
}
