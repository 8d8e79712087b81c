/// The peers whose forwarding headers count (api.md §3.5): loopback, the
/// `trusted_proxies` list, and with `gateway = cloudflare` Cloudflare's
/// published ranges (`Data/cloudflare_ips.txt`). Parsed once at start-up;
/// entries that are not an address or CIDR match nothing.
public struct TrustedNetworks: Sendable {
    struct Network: Sendable {
        let bytes: [UInt8]
        let bits: Int
    }

    let networks: [Network]

    public init(cidrs: [String]) {
        networks = (["127.0.0.0/8", "::1/128"] + cidrs).compactMap(Self.parse)
    }

    /// Cloudflare's IPv4 and IPv6 ranges shipped with this build.
    public static let cloudflareRanges: [String] = String(decoding: PackageResources.cloudflare_ips_txt, as: UTF8.self)
        .split(separator: "\n")
        .map { String($0.filter { !$0.isWhitespace }) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }

    /// The networks a configuration trusts.
    public static func forConfig(_ config: Config) -> TrustedNetworks {
        TrustedNetworks(cidrs: config.trustedProxies + (config.gateway == "cloudflare" ? cloudflareRanges : []))
    }

    public func contains(_ address: String) -> Bool {
        guard let target = IPNetwork.bytes(address) else { return false }
        return networks.contains { network in
            network.bytes.count == target.count && Self.prefixMatches(network, target)
        }
    }

    private static func prefixMatches(_ network: Network, _ target: [UInt8]) -> Bool {
        var remaining = network.bits
        var index = 0
        while remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : UInt8(0xff << (8 - remaining) & 0xff)
            if network.bytes[index] & mask != target[index] & mask { return false }
            remaining -= 8
            index += 1
        }
        return true
    }

    private static func parse(_ cidr: String) -> Network? {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let bytes = IPNetwork.bytes(String(first)) else { return nil }
        let bits = parts.count == 2 ? (Int(parts[1]) ?? -1) : bytes.count * 8
        guard (0...(bytes.count * 8)).contains(bits) else { return nil }
        return Network(bytes: bytes, bits: bits)
    }
}
