import Foundation
import NIOSSL
import PostgresNIO

/// A `database_url` that names no usable database.
public struct DatabaseURLError: Error, CustomStringConvertible {
    public let description: String
}

/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
/// (`postgresql://` too), as `database_url` gives it.
struct PostgresURL {
    enum SSLMode: String { case disable, prefer, require }

    let host: String
    let port: Int
    let username: String
    let password: String?
    let database: String
    let sslMode: SSLMode

    init(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw DatabaseURLError(description: "must look like postgres://user:password@host:port/database")
        }
        guard let host = url.host, !host.isEmpty else { throw DatabaseURLError(description: "has no host") }
        guard let user = url.user, !user.isEmpty else { throw DatabaseURLError(description: "has no user name") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw DatabaseURLError(description: "has no database name") }
        switch url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": sslMode = .disable
        case "prefer", "allow": sslMode = .prefer
        case "require", "verify-ca", "verify-full": sslMode = .require
        case let other: throw DatabaseURLError(description: "sslmode '\(other)' is not one of disable, prefer, require")
        }
        self.host = host
        port = url.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
    }

    /// For the pool.
    var client: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                            database: database, tls: tls)
    }

    /// For one direct connection (the start-up probe, which must fail fast and say why).
    func connection() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                database: database, tls: tls)
    }
}
