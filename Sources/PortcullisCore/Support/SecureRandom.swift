import Crypto
import Foundation

/// Randomness from the system CSPRNG (swift-crypto's key generator).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            let key = SymmetricKey(size: .bits256)
            key.withUnsafeBytes { output.append(contentsOf: $0.prefix(count - output.count)) }
        }
        return output
    }

    /// Lower-case hex of `bytes` random bytes.
    public static func hex(bytes count: Int) -> String {
        bytes(count).hexString
    }

    /// URL-safe base64 (no padding) of `bytes` random bytes.
    public static func urlSafeToken(bytes count: Int) -> String {
        Base64URL.encode(bytes(count))
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, without Foundation formatting (it is on hot paths).
    public var hexString: String {
        // Every session check hashes its cookie: written straight into the string.
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = hexDigits[Int(byte >> 4)]
                buffer[2 * index + 1] = hexDigits[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// SHA-256 hex of a secret: what the store keeps instead of the secret.
public func sha256Hex(_ text: String) -> String {
    var text = text
    return text.withUTF8 { SHA256.hash(data: $0).hexString }
}

/// SHA-256 hex of bytes.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).hexString
}

/// Compares two secrets in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8), b = Array(rhs.utf8)
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for index in 0..<max(a.count, b.count) {
        let x = index < a.count ? a[index] : 0
        let y = index < b.count ? b[index] : 0
        difference |= x ^ y
    }
    return difference == 0
}
