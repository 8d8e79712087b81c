import Foundation

/// Server time: whole unix seconds for records and tokens, milliseconds
/// where finer order matters (API-key nonces, throttle windows, the session
/// list's order). Named apart from the standard library's `Clock`; tests pin it.
public protocol ServerClock: Sendable {
    func now() -> Int64
    func nowMilliseconds() -> Int64
}

public struct SystemClock: ServerClock {
    public init() {}
    public func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
    public func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// ISO 8601 UTC with seconds and `Z`, the only time format in bodies.
public enum Timestamp {
    /// Proleptic Gregorian civil date from unix seconds (Howard Hinnant's
    /// days-from-civil inverse), without Foundation's calendar on hot paths.
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the four-digit years.
    public static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// Times outside `range` (a stored value from an import, say) are clamped
    /// to it: the arithmetic below must not overflow on any Int64.
    public static func iso8601(_ unclamped: Int64) -> String {
        let seconds = min(max(unclamped, range.lowerBound), range.upperBound)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    /// Days since 1970-01-01 of a civil date (the inverse of the above).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
