import Crypto
import Foundation

/// AES-256-GCM for secrets at rest (TOTP seeds, API-key secrets): each
/// value is sealed with a fresh nonce and stored as base64 of nonce‖ciphertext‖tag.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(key: [UInt8]) throws {
        guard key.count == 32 else { throw ConfigError("encryption_key: must be 32 bytes") }
        self.key = SymmetricKey(data: key)
    }

    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw ConfigError("encryption failed") }
        return combined.base64EncodedString()
    }

    /// HMAC-SHA-256 (hex) of `text` under a key derived from this box's key
    /// for `purpose` alone: a value stored so it can be matched, never read
    /// back (recovery codes), and useless without the server's key.
    public func keyedHash(_ text: String, purpose: String) -> String {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(purpose.utf8), outputByteCount: 32)
        return HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: derived).map { String(format: "%02x", $0) }.joined()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw ConfigError("sealed value is not base64") }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }

    /// The configured `encryption_key`, or a development key under `data_dir`
    /// (created on first use; `isDevelopment` tells the caller to warn).
    public static func load(config: Config) throws -> (box: SecretBox, isDevelopment: Bool) {
        if !config.encryptionKey.isEmpty, let key = Data(base64Encoded: config.encryptionKey) {
            return (try SecretBox(key: Array(key)), false)
        }
        let path = (config.dataDir as NSString).appendingPathComponent("encryption.key")
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
            let key = Data(SecureRandom.bytes(32)).base64EncodedString()
            FileManager.default.createFile(atPath: path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        }
        guard let text = FileManager.default.contents(atPath: path),
              let key = Data(base64Encoded: String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ConfigError("development encryption key '\(path)' cannot be read")
        }
        return (try SecretBox(key: Array(key)), true)
    }
}
