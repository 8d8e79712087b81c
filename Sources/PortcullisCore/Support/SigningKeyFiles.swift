import _CryptoExtras
import Foundation

/// The server's RS256 key pair as PEM files (`jwt-private.pem`, `jwt-public.pem`).
public enum SigningKeyFiles {
    public struct Generated: Sendable {
        public let privatePEM: String
        public let publicPEM: String
    }

    public static func generate() throws -> Generated {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return Generated(privatePEM: key.pemRepresentation, publicPEM: key.publicKey.pemRepresentation)
    }

    /// Writes a new pair into `directory` (private key readable by the owner only).
    public static func write(to directory: String) throws {
        let pair = try generate()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let privatePath = (directory as NSString).appendingPathComponent("jwt-private.pem")
        let publicPath = (directory as NSString).appendingPathComponent("jwt-public.pem")
        FileManager.default.createFile(atPath: privatePath, contents: Data(pair.privatePEM.utf8), attributes: [.posixPermissions: 0o600])
        try Data(pair.publicPEM.utf8).write(to: URL(fileURLWithPath: publicPath))
    }

    /// The configured private key, or the development key under `dataDir`,
    /// created on first use. `isDevelopment` tells the caller to warn loudly.
    public static func loadPrivateKey(config: Config) throws -> (pem: String, isDevelopment: Bool) {
        if !config.jwtPrivateKeyPath.isEmpty {
            guard let data = FileManager.default.contents(atPath: config.jwtPrivateKeyPath) else {
                throw ConfigError("jwt_private_key_path: '\(config.jwtPrivateKeyPath)' cannot be read")
            }
            return (String(decoding: data, as: UTF8.self), false)
        }
        let path = (config.dataDir as NSString).appendingPathComponent("jwt-private.pem")
        if !FileManager.default.fileExists(atPath: path) {
            try write(to: config.dataDir)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("development key '\(path)' cannot be read")
        }
        return (String(decoding: data, as: UTF8.self), true)
    }
}
