import Foundation

/// Rows of a JSON array of arrays (SQLite's `json_group_array(json_array(…))`,
/// PostgreSQL's `json_agg(json_build_array(…))`), read by position.
struct JSONRows {
    struct Row {
        let values: [Any]
        func string(_ index: Int) -> String { optionalString(index) ?? "" }
        func optionalString(_ index: Int) -> String? {
            guard index < values.count else { return nil }
            switch values[index] {
            case let text as String: return text
            case let number as NSNumber: return number.stringValue
            default: return nil
            }
        }
        func int(_ index: Int) -> Int64 { optionalInt(index) ?? 0 }
        func optionalInt(_ index: Int) -> Int64? {
            guard index < values.count, let number = values[index] as? NSNumber else { return nil }
            return number.int64Value
        }
    }

    let rows: [Row]

    init(_ json: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]] ?? []
        rows = parsed.map(Row.init)
    }

    func map<T>(_ transform: (Row) throws -> T) rethrows -> [T] { try rows.map(transform) }
}
