/// ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. A JWS
/// `signature` for ES256/384/512 is r‖s as fixed-width big-endian integers;
/// with `management_api_low_s_only` only the low-S form (s ≤ n/2) is
/// accepted, so one signed management request has exactly one accepted
/// spelling.
public enum ECDSALowS {
    /// The group orders n of P-256, P-384 and P-521, big-endian, at the JWS width of the algorithm.
    static let orders: [String: [UInt8]] = [
        "ES256": hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"),
        "ES384": hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973"),
        "ES512": hex("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409"),
    ]

    /// True for algorithms without this malleability (RSA), and for ECDSA
    /// signatures of the right length whose s is at most n/2.
    public static func accepts(_ signature: [UInt8], algorithm: String) -> Bool {
        guard let order = orders[algorithm] else { return true }
        guard signature.count == order.count * 2 else { return false }
        let s = signature[order.count...]
        return !greater(Array(s), than: half(order))
    }

    /// n >> 1, same width.
    static func half(_ value: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: value.count)
        var carry: UInt8 = 0
        for index in value.indices {
            result[index] = (value[index] >> 1) | carry
            carry = (value[index] & 1) << 7
        }
        return result
    }

    /// Big-endian comparison of two numbers of the same width.
    static func greater(_ a: [UInt8], than b: [UInt8]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x > y }
        return false
    }

    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
