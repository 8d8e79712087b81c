import CCBOR
import PortcullisCore

/// `CBORDecoding` by Debian's libcbor: `cbor_load` parses one item from the
/// front of the input (with its own explicit stack, no recursion) and says
/// how many bytes it took; the item tree is then copied into `CBORValue`,
/// bounded in depth and size, and freed.
public struct LibCBORDecoder: CBORDecoding {
    /// WebAuthn's deepest structure (attestation object → attStmt → x5c) is three levels.
    static let deepest = 8
    static let mostItems = 1_024

    public init() {}

    public func decodePrefix(_ bytes: [UInt8]) throws -> (value: CBORValue, length: Int) {
        guard !bytes.isEmpty else { throw CBORError("empty") }
        var result = cbor_load_result()
        guard let item = bytes.withUnsafeBufferPointer({ cbor_load($0.baseAddress, $0.count, &result) }) else {
            throw CBORError("malformed (libcbor error \(result.error.code.rawValue) at \(result.error.position))")
        }
        var owned: UnsafeMutablePointer<cbor_item_t>? = item
        defer { cbor_decref(&owned) }
        var budget = Self.mostItems
        let value = try Self.convert(item, depth: 0, budget: &budget)
        return (value, Int(result.read))
    }

    private static func convert(_ item: UnsafeMutablePointer<cbor_item_t>, depth: Int, budget: inout Int) throws -> CBORValue {
        guard depth <= deepest else { throw CBORError("nested too deeply") }
        budget -= 1
        guard budget >= 0 else { throw CBORError("too many items") }
        switch cbor_typeof(item) {
        case CBOR_TYPE_UINT:
            return .unsigned(cbor_get_int(item))
        case CBOR_TYPE_NEGINT:
            let magnitude = cbor_get_int(item)
            guard magnitude < UInt64(Int64.max) else { return .other }
            return .negative(-1 - Int64(magnitude))
        case CBOR_TYPE_BYTESTRING:
            guard cbor_bytestring_is_definite(item), let handle = cbor_bytestring_handle(item) else {
                throw CBORError("indefinite byte string")
            }
            return .bytes(Array(UnsafeBufferPointer(start: handle, count: cbor_bytestring_length(item))))
        case CBOR_TYPE_STRING:
            guard cbor_string_is_definite(item), let handle = cbor_string_handle(item) else { throw CBORError("indefinite text") }
            let bytes = UnsafeBufferPointer(start: handle, count: cbor_string_length(item))
            guard let text = String(validating: bytes, as: UTF8.self) else { throw CBORError("text is not UTF-8") }
            return .text(text)
        case CBOR_TYPE_ARRAY:
            guard cbor_array_is_definite(item), let handle = cbor_array_handle(item) else { throw CBORError("indefinite array") }
            var values: [CBORValue] = []
            for index in 0..<cbor_array_size(item) {
                guard let element = handle[index] else { throw CBORError("array hole") }
                values.append(try convert(element, depth: depth + 1, budget: &budget))
            }
            return .array(values)
        case CBOR_TYPE_MAP:
            guard cbor_map_is_definite(item), let handle = cbor_map_handle(item) else { throw CBORError("indefinite map") }
            var pairs: [(key: CBORValue, value: CBORValue)] = []
            for index in 0..<cbor_map_size(item) {
                guard let key = handle[index].key, let value = handle[index].value else { throw CBORError("map hole") }
                let converted = try convert(key, depth: depth + 1, budget: &budget)
                guard !pairs.contains(where: { $0.key == converted }) else { throw CBORError("duplicate map key") }
                pairs.append((converted, try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .map(pairs)
        case CBOR_TYPE_FLOAT_CTRL:
            if cbor_float_ctrl_is_ctrl(item) {
                switch cbor_ctrl_value(item) {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                default: return .other
                }
            }
            return .other
        default:
            return .other
        }
    }
}
