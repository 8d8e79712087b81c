import PortcullisCore

/// The client of a request, as both listeners resolve it:
/// forwarding headers count only when the peer is a trusted network; the
/// client is located when a GeoIP database is loaded.
struct ClientResolver: Sendable {
    let trusted: TrustedNetworks
    let geo: (any GeoLocator)?
    /// `gateway = akamai`: `True-Client-Ip` first.
    let akamai: Bool

    func resolve(peer: String, trueClientIP: String?, forwardedFor: [String], realIP: String?, forwardedProto: String?,
                 userAgent: String?) -> (client: ClientInfo, overHTTPS: Bool) {
        var ip = peer
        var overHTTPS = false
        if trusted.contains(peer) {
            if akamai, let trueClient = trueClientIP, !trueClient.isEmpty, IPNetwork.bytes(trueClient) != nil {
                ip = trueClient
            } else if !forwardedFor.isEmpty {
                ip = trusted.client(forwardedFor: forwardedFor) ?? peer
            } else if let real = realIP, IPNetwork.bytes(real) != nil {
                ip = real
            }
            overHTTPS = forwardedProto?.lowercased() == "https"
        }
        var client = ClientInfo(ip: ip, userAgent: userAgent ?? "")
        if let geo, let location = geo.locate(ip: ip) {
            client.country = location.country
            client.continent = location.continent
        }
        return (client, overHTTPS)
    }
}
