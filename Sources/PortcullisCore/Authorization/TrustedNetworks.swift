/// The peers whose forwarding headers count (api.md §3.5): loopback, the
/// `trusted_proxies` list, and with `gateway = cloudflare` Cloudflare's
/// published ranges (`Data/cloudflare_ips.txt`). Parsed once at start-up;
/// entries that are not an address or CIDR match nothing.
public struct TrustedNetworks: Sendable {
    let networks: [IPNetwork.CIDR]

    public init(cidrs: [String]) {
        networks = (["127.0.0.0/8", "::1/128"] + cidrs).compactMap(IPNetwork.CIDR.init)
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
        return networks.contains { $0.contains(target) }
    }
}
