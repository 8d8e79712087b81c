/// Where an address is, as a GeoIP database says: ISO 3166 alpha-2 country
/// and two-letter continent code, upper case ("DE", "EU").
public struct GeoLocation: Sendable, Equatable {
    public var country: String
    public var continent: String

    public init(country: String, continent: String) {
        self.country = country; self.continent = continent
    }
}

/// A GeoIP database (`maxminddb_path`). nil = the address is not in it.
public protocol GeoLocator: Sendable {
    func locate(ip: String) -> GeoLocation?
}
