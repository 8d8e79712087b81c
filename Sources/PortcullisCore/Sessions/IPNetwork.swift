#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IP literals as bytes, for the session binding (/16 and /96 networks)
/// and the trusted-proxy list.
public enum IPNetwork {
    /// 4 bytes for IPv4, 16 for IPv6, nil when not an IP literal.
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let raw = withUnsafeBytes(of: &v6) { Array($0) }
            // IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4.
            if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xff && raw[11] == 0xff {
                return Array(raw[12..<16])
            }
            return raw
        }
        return nil
    }

    /// api.md §4.2: same /16 (IPv4) or /96 (IPv6) network.
    public static func sameSessionNetwork(_ a: String, _ b: String) -> Bool {
        guard let x = bytes(a), let y = bytes(b), x.count == y.count else { return a == b }
        let prefix = x.count == 4 ? 2 : 12
        return x.prefix(prefix) == y.prefix(prefix)
    }

    /// Whether `address` lies in `cidr` (`10.0.0.0/8`, `::1/128`, or a bare address).
    public static func contains(cidr: String, address: String) -> Bool {
        let parts = cidr.split(separator: "/", maxSplits: 1).map(String.init)
        guard let network = bytes(parts[0]), let target = bytes(address), network.count == target.count else {
            return false
        }
        let bits = parts.count == 2 ? (Int(parts[1]) ?? -1) : network.count * 8
        guard (0...(network.count * 8)).contains(bits) else { return false }
        for index in 0..<network.count {
            let remaining = bits - index * 8
            if remaining <= 0 { break }
            let mask: UInt8 = remaining >= 8 ? 0xff : UInt8(0xff << (8 - remaining) & 0xff)
            if network[index] & mask != target[index] & mask { return false }
        }
        return true
    }
}
