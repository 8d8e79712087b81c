/// A phone number as `resource/phones` handles it: every non-digit
/// removed, read as country calling code + national number, and valid when
/// the national number has a length its country allows (libphonenumber's
/// length data; a coarser check than its full patterns).
public struct PhoneNumber: Sendable, Equatable {
    /// The canonical form: E.164 digits without `+`.
    public let digits: String
    public let countryCode: Int
    /// ISO alpha-2 of the code's main region (e.g. `US` for every `1…` number).
    public let region: String

    public static func sanitize(_ raw: String) -> String {
        String(raw.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
    }

    public static func parse(_ raw: String) -> PhoneNumber? {
        let digits = sanitize(raw)
        guard (7...15).contains(digits.count), digits.first != "0" else { return nil }
        for length in 1...3 {
            guard let code = Int(digits.prefix(length)), let entry = CallingCodes.table[code] else { continue }
            let national = digits.count - length
            guard entry.nationalLengths.contains(national) else { return nil }
            return PhoneNumber(digits: digits, countryCode: code, region: entry.region)
        }
        return nil
    }
}

/// The salted CRC32 index of a value (Barong's `crc32_salt` lookup index).
public enum SaltedCRC32 {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func index(_ value: String, salt: String) -> Int64 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in (salt + value).utf8 { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return Int64(crc ^ 0xFFFF_FFFF)
    }
}
