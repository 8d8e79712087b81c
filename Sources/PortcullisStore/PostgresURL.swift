import Foundation
import PostgresNIO

/// A `database_url` that names no usable database.
public struct DatabaseURLError: Error, CustomStringConvertible {
    public let description: String
}

/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
/// (`postgresql://` too), as `database_url` gives it.
enum PostgresURL {
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw DatabaseURLError(description: "must look like postgres://user:password@host:port/database")
        }
        guard let host = url.host, !host.isEmpty else { throw DatabaseURLError(description: "has no host") }
        guard let user = url.user, !user.isEmpty else { throw DatabaseURLError(description: "has no user name") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw DatabaseURLError(description: "has no database name") }
        let tls: PostgresClient.Configuration.TLS
        switch url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let other: throw DatabaseURLError(description: "sslmode '\(other)' is not one of disable, prefer, require")
        }
        return PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: url.password.map { $0.removingPercentEncoding ?? $0 }, database: database, tls: tls
        )
    }
}
