import PortcullisCore

/// A JSON document with ordered keys and explicit nulls, for response
/// bodies whose field order and `null`s are part of the contract.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    public static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    public static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }

    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value):
            out += value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(value)) : "null"
        case .string(let value): Self.escape(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.escape(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func escape(_ text: String, into out: inout String) {
        JSONText.append(text, to: &out)
    }
}

import Foundation

extension JSONValue {
    /// From a JSONSerialization-style value (keys sorted, for stable output).
    init(any value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(Int64(number))
        case let number as Int64: self = .int(number)
        case let number as Double: self = .double(number)
        case let items as [Any]: self = .array(items.map(JSONValue.init(any:)))
        case let object as [String: Any]:
            self = .object(object.keys.sorted().map { ($0, JSONValue(any: object[$0] as Any)) })
        default: self = .null
        }
    }
}
