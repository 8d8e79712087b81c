/// The one spelling of a path that rules, permissions and restrictions
/// compare against. The gateway forwards the client's
/// raw path, and upstreams read `api/v2//peatio/%61dmin/./x` as
/// `api/v2/peatio/admin/x`: matching prefixes on the raw text would let such
/// spellings past `block` rules and DROP rows.
///
/// - percent-encoded unreserved characters (`A–Z a–z 0–9 - . _ ~`) are decoded;
/// - repeated slashes collapse, `.` segments go, `..` removes the segment before it;
/// - refused (nil): an encoded slash, backslash or NUL (`%2F`, `%5C`, `%00`), a
///   literal backslash or control character, a malformed `%` escape, and a `..`
///   that would climb above the root; and what some upstreams read
///   otherwise than we would: a `;` path parameter (`..;/` is `..` to Tomcat
///   and Jetty), an encoded `%` (`%252e`, decoded twice by some), and any
///   byte outside ASCII, literal or encoded (`adm%C4%B1n` folds to `admin`
///   under Unicode case rules or NFKC). API paths are ASCII.
/// A trailing slash is kept.
public enum GatewayPath {
    public static func normalize(_ raw: some StringProtocol) -> String? {
        isPlain(raw) ? String(raw) : rewrite(raw)
    }

    /// The common case, one scan on the hot path: no `%`, backslash or control
    /// byte, no empty segment and no segment starting with a dot.
    static func isPlain(_ raw: some StringProtocol) -> Bool {
        if let plain = raw.utf8.withContiguousStorageIfAvailable(isPlain) { return plain }
        return isPlain(Array(raw.utf8))
    }

    static func isPlain(_ bytes: some Collection<UInt8>) -> Bool {
        var previous = UInt8(ascii: "/")
        for byte in bytes {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ";") || byte < 0x20 || byte >= 0x7f {
                return false
            }
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return true
    }

    static func rewrite(_ raw: some StringProtocol) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.utf8.count)
        var bytes = raw.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
                let value = high << 4 | low
                if isUnreserved(value) {
                    decoded.append(value)
                } else if refused(value) || value == UInt8(ascii: "/") || value == UInt8(ascii: "%") {
                    return nil
                } else {
                    // Kept encoded: decoding would change what the path means.
                    decoded.append(UInt8(ascii: "%"))
                    decoded.append(contentsOf: hexDigits(value))
                }
            case _ where refused(byte):
                return nil
            default:
                decoded.append(byte)
            }
        }
        var segments: [ArraySlice<UInt8>] = []
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual([UInt8(ascii: ".")]) { continue }
            if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                guard segments.popLast() != nil else { return nil }
                continue
            }
            segments.append(segment)
        }
        var path = segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        if decoded.last == UInt8(ascii: "/") && !path.isEmpty { path += "/" }
        return path
    }

    /// Refused literal or encoded: backslash, `;`, control bytes, DEL and every byte outside ASCII.
    private static func refused(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ";") || byte < 0x20 || byte >= 0x7f
    }

    /// A hex digit's value (either case), else nil; redirect URIs check their escapes with it too.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigits(_ value: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(value >> 4)], digits[Int(value & 0x0f)]]
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
