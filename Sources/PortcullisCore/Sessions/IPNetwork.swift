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

    /// Whether two addresses may share a session: the same /16 (IPv4) or /96 (IPv6) network.
    public static func sameSessionNetwork(_ a: String, _ b: String) -> Bool {
        guard let x = bytes(a), let y = bytes(b), x.count == y.count else { return a == b }
        let prefix = x.count == 4 ? 2 : 12
        return x.prefix(prefix) == y.prefix(prefix)
    }

    /// Whether `address` lies in `cidr` (`10.0.0.0/8`, `::1/128`, or a bare address).
    public static func contains(cidr: String, address: String) -> Bool {
        guard let network = CIDR(cidr), let target = bytes(address) else { return false }
        return network.contains(target)
    }

    /// A parsed network (`10.0.0.0/8`, `::1/128`, or a bare address = all bits).
    public struct CIDR: Sendable, Equatable {
        let bytes: [UInt8]
        let bits: Int

        public init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let bytes = IPNetwork.bytes(String(first)) else { return nil }
            let bits = parts.count == 2 ? (Int(parts[1]) ?? -1) : bytes.count * 8
            guard (0...(bytes.count * 8)).contains(bits) else { return nil }
            self.bytes = bytes
            self.bits = bits
        }

        /// Whether an address (as `IPNetwork.bytes` gives it) lies in this network.
        public func contains(_ target: [UInt8]) -> Bool {
            guard bytes.count == target.count else { return false }
            var remaining = bits
            var index = 0
            while remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xff : UInt8(0xff << (8 - remaining) & 0xff)
                if bytes[index] & mask != target[index] & mask { return false }
                remaining -= 8
                index += 1
            }
            return true
        }
    }
}
