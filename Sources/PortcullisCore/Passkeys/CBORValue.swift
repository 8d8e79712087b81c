/// A decoded CBOR item, as WebAuthn uses them (attestation objects, COSE
/// keys). The decoding itself is a port (`CBORDecoding`): Debian's libcbor
/// in PortcullisIntegrations.
public indirect enum CBORValue: Sendable, Equatable {
    case unsigned(UInt64)
    /// A negative integer, -1 - n (CBOR major type 1), kept as its Int64 when it fits.
    case negative(Int64)
    case bytes([UInt8])
    case text(String)
    case array([CBORValue])
    case map([(key: CBORValue, value: CBORValue)])
    case bool(Bool)
    case null
    /// Tags, floats and anything else WebAuthn never needs.
    case other

    public static func == (lhs: CBORValue, rhs: CBORValue) -> Bool {
        switch (lhs, rhs) {
        case let (.unsigned(a), .unsigned(b)): a == b
        case let (.negative(a), .negative(b)): a == b
        case let (.bytes(a), .bytes(b)): a == b
        case let (.text(a), .text(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.map(a), .map(b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null), (.other, .other): true
        default: false
        }
    }

    /// An integer key or value (COSE labels are small signed integers).
    public var integer: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value
        default: nil
        }
    }

    public subscript(_ key: Int64) -> CBORValue? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key.integer == key }?.value
    }

    public subscript(_ key: String) -> CBORValue? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    public var byteString: [UInt8]? { if case .bytes(let bytes) = self { bytes } else { nil } }
    public var textString: String? { if case .text(let text) = self { text } else { nil } }
}

/// Reads one CBOR item from the front of `bytes`: the item and how many
/// bytes it took (authenticator data carries a COSE key followed by more).
/// Throws `CBORError` on malformed, truncated or too deeply nested input.
public protocol CBORDecoding: Sendable {
    func decodePrefix(_ bytes: [UInt8]) throws -> (value: CBORValue, length: Int)
}

public struct CBORError: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

extension CBORDecoding {
    /// One item that takes all of `bytes`.
    public func decode(_ bytes: [UInt8]) throws -> CBORValue {
        let (value, length) = try decodePrefix(bytes)
        guard length == bytes.count else { throw CBORError("trailing bytes") }
        return value
    }
}
