/// Who is calling: the client IP (after the trusted-proxy rule), user agent,
/// and where the IP is (GeoIP; empty when unknown or no database is loaded).
public struct ClientInfo: Sendable, Equatable {
    public var ip: String
    public var userAgent: String
    public var country: String
    public var continent: String
    /// SHA-256 (hex) of the browser's device cookie, when it sent a well-formed one.
    public var deviceHash: String?
    /// The browser says the request came from another site (`Sec-Fetch-Site: cross-site`): its
    /// SameSite=Lax device cookie was withheld, so none is set in its place.
    public var crossSite = false

    public init(ip: String, userAgent: String, country: String = "", continent: String = "", deviceHash: String? = nil) {
        self.ip = ip; self.userAgent = userAgent; self.country = country; self.continent = continent
        self.deviceHash = deviceHash
    }
}
