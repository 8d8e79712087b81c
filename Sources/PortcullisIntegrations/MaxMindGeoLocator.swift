import CMaxMindDB
import PortcullisCore
#if canImport(Glibc)
import Glibc
#endif

/// A MaxMind `.mmdb` file (GeoLite2/GeoIP2 Country or City, or any file with
/// `country.iso_code` and `continent.code`) read with Debian's libmaxminddb.
/// The file is memory-mapped once; a lookup walks the tree in the mapping
/// and copies two 2-byte codes, so it allocates nothing on the heap.
public final class MaxMindGeoLocator: GeoLocator, @unchecked Sendable {
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    // Lookups only read the mapping, which libmaxminddb documents as safe
    // from several threads once MMDB_open returned.
    private let database: UnsafeMutablePointer<MMDB_s>
    private let countryPath: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let continentPath: UnsafeMutablePointer<UnsafePointer<CChar>?>

    public init(path: String) throws {
        database = .allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), database)
        guard status == MMDB_SUCCESS else {
            database.deallocate()
            throw OpenError(description: String(cString: MMDB_strerror(status)))
        }
        countryPath = Self.path("country", "iso_code")
        continentPath = Self.path("continent", "code")
    }

    deinit {
        MMDB_close(database)
        database.deallocate()
        for path in [countryPath, continentPath] {
            var index = 0
            while let part = path[index] { free(UnsafeMutablePointer(mutating: part)); index += 1 }
            path.deallocate()
        }
    }

    public func locate(ip: String) -> GeoLocation? {
        var error: Int32 = 0
        let result = withSocketAddress(ip) { address in MMDB_lookup_sockaddr(database, address, &error) }
        guard var found = result, error == MMDB_SUCCESS, found.found_entry else { return nil }
        let country = string(at: countryPath, in: &found.entry)
        let continent = string(at: continentPath, in: &found.entry)
        guard !country.isEmpty || !continent.isEmpty else { return nil }
        return GeoLocation(country: country, continent: continent)
    }

    private func string(at path: UnsafeMutablePointer<UnsafePointer<CChar>?>, in entry: inout MMDB_entry_s) -> String {
        var data = MMDB_entry_data_s()
        guard MMDB_aget_value(&entry, &data, path) == MMDB_SUCCESS, data.has_data,
              data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING), let text = data.utf8_string else { return "" }
        return text.withMemoryRebound(to: UInt8.self, capacity: Int(data.data_size)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(data.data_size)), as: UTF8.self)
        }
    }

    /// A sockaddr for an IPv4 or IPv6 literal, on the stack; nil for anything else.
    private func withSocketAddress<T>(_ ip: String, _ body: (UnsafePointer<sockaddr>) -> T) -> T? {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, ip, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            return withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, ip, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            return withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
        return nil
    }

    /// A NULL-terminated C array of C strings (the form MMDB_aget_value takes).
    private static func path(_ parts: String...) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: parts.count + 1)
        for (index, part) in parts.enumerated() { array[index] = UnsafePointer(strdup(part)) }
        array[parts.count] = nil
        return array
    }
}
