import PortcullisCore

/// Parameter rules of the management API (api-admin.md B0): Grape's
/// sentences (`<p> is missing`, `<p> is empty`, `<p> is invalid`, …) in
/// declaration order, joined by ", " into one 422 `{"error": "…"}`.
struct ManagementParams {
    let params: Params
    private(set) var failures: [String] = []

    init(_ params: Params) { self.params = params }

    /// Required and non-blank.
    mutating func required(_ name: String) -> String {
        switch params[name] {
        case nil:
            failures += ["\(name) is missing", "\(name) is empty"]
        case .string(let value):
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { failures.append("\(name) is empty") }
            return value
        case .object, .unsupported:
            failures.append("\(name) is invalid")
        }
        return ""
    }

    /// Optional; blank counts as absent unless `nonBlank`, which reports it empty.
    mutating func optional(_ name: String, nonBlank: Bool = false) -> String? {
        switch params[name] {
        case nil: return nil
        case .string(let value):
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                if nonBlank { failures.append("\(name) is empty") }
                return nil
            }
            return value
        case .object, .unsupported:
            failures.append("\(name) is invalid")
            return nil
        }
    }

    mutating func integer(_ name: String) -> Int? {
        guard let text = optional(name) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            failures.append("\(name) is invalid")
            return nil
        }
        return value
    }

    /// A boolean; else Grape's `<p> is invalid` (or `message`).
    mutating func boolean(_ name: String, default fallback: Bool, message: String? = nil) -> Bool {
        guard let text = optional(name) else { return fallback }
        guard let value = ParamBoolean.parse(text) else {
            failures.append(message ?? "\(name) is invalid")
            return fallback
        }
        return value
    }

    /// Exactly one of `names`, non-blank: its name and value.
    mutating func exactlyOne(_ names: [String]) -> (String, String)? {
        let given = names.filter { params[$0] != nil }
        if given.isEmpty { failures.append("\(names.joined(separator: ", ")) are missing, exactly one parameter must be provided") }
        if given.count > 1 { failures.append("\(given.joined(separator: ", ")) are mutually exclusive") }
        guard given.count == 1, let name = given.first else { return nil }
        return (name, required(name))
    }

    /// At least one of `names` present.
    mutating func atLeastOne(_ names: [String]) {
        if names.allSatisfy({ params[$0] == nil }) {
            failures.append("\(names.joined(separator: ", ")) are missing, at least one parameter must be provided")
        }
    }

    /// `page` 1…`PageRequest.maxPage` and `limit` 1…100 (defaults 1, 100).
    mutating func page() -> PageRequest {
        var request = PageRequest(page: 1, limit: 100)
        if let page = integer("page") {
            if (1...PageRequest.maxPage).contains(page) { request.page = page } else { failures.append("page is invalid") }
        }
        if let limit = integer("limit") { if (1...100).contains(limit) { request.limit = limit } else { failures.append("limit does not have a valid value") } }
        return request
    }

    /// `range` (`created`/`updated`), `from`, `to` in Unix seconds.
    mutating func window() -> TimeWindow {
        let range = optional("range")
        if let range, range != "created" && range != "updated" { failures.append("range does not have a valid value") }
        return TimeWindow(updated: range == "updated", from: integer("from").map(Int64.init), to: integer("to").map(Int64.init))
    }

    mutating func fail(_ sentence: String) { failures.append(sentence) }

    func finish() throws {
        if !failures.isEmpty { throw ManagementError.sentence(.unprocessable, failures.joined(separator: ", ")) }
    }
}
