/// Who is calling: the client IP (after the trusted-proxy rule) and user agent.
public struct ClientInfo: Sendable, Equatable {
    public var ip: String
    public var userAgent: String
    public var country: String

    public init(ip: String, userAgent: String, country: String = "") {
        self.ip = ip; self.userAgent = userAgent; self.country = country
    }
}
