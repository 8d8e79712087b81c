import Foundation

/// The peers whose forwarding headers count: loopback, the
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
        TrustedNetworks(cidrs: config.trustedProxies + (config.gateway == .cloudflare ? cloudflareRanges : []))
    }

    /// The client named by `X-Forwarded-For` (every header line, in order)
    /// when a trusted peer sent it: read from the right, skip
    /// every trusted proxy, take the first address that is not one. Proxies
    /// append, so entries left of that are the client's own writing and never
    /// count. Entries that are no address are skipped (Rails' rule). All
    /// trusted → the left-most; no address at all → nil.
    public func client(forwardedFor lines: [String]) -> String? {
        let hops = lines.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { IPNetwork.bytes($0) != nil }
        return hops.last(where: { !contains($0) }) ?? hops.first
    }

    public func contains(_ address: String) -> Bool {
        guard let target = IPNetwork.bytes(address) else { return false }
        return networks.contains { $0.contains(target) }
    }
}
