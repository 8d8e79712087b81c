import PortcullisCore

/// Parameter rules of the management API: Grape's
/// sentences (`<p> is missing`, `<p> is empty`, `<p> is invalid`, …) in
/// declaration order, joined by ", " into one 422 `{"error": "…"}`.
struct ManagementParams {
    private var engine: ParamValidator
    /// The back-end that called (what activity rows record).
    let client: ClientInfo

    init(_ params: Params, client: ClientInfo) { engine = ParamValidator(params, dialect: .sentences); self.client = client }

    var params: Params { engine.params }

    /// Required and non-blank.
    mutating func required(_ name: String) -> String { engine.required(name) }

    /// Optional; blank counts as absent unless `nonBlank`, which reports it empty.
    mutating func optional(_ name: String, nonBlank: Bool = false) -> String? {
        if nonBlank, case .string(let value) = params[name], value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            engine.fail("\(name) is empty")
        }
        return engine.optional(name)
    }

    mutating func integer(_ name: String) -> Int? { engine.integer(name) }

    /// A boolean (ParamBoolean); else Grape's `<p> is invalid` (or `message`).
    mutating func boolean(_ name: String, default fallback: Bool, message: String? = nil) -> Bool {
        engine.boolean(name, default: fallback, failure: message)
    }

    /// Exactly one of `names`, non-blank: its name and value.
    mutating func exactlyOne(_ names: [String]) -> (String, String)? {
        let given = names.filter { params[$0] != nil }
        if given.isEmpty { engine.fail("\(names.joined(separator: ", ")) are missing, exactly one parameter must be provided") }
        if given.count > 1 { engine.fail("\(given.joined(separator: ", ")) are mutually exclusive") }
        guard given.count == 1, let name = given.first else { return nil }
        return (name, required(name))
    }

    /// At least one of `names` present.
    mutating func atLeastOne(_ names: [String]) {
        if names.allSatisfy({ params[$0] == nil }) {
            engine.fail("\(names.joined(separator: ", ")) are missing, at least one parameter must be provided")
        }
    }

    /// `page` 1…`PageRequest.maxPage` and `limit` 1…100 (defaults 1, 100).
    mutating func page() -> PageRequest {
        var request = PageRequest(page: 1, limit: 100)
        if let page = integer("page") {
            if (1...PageRequest.maxPage).contains(page) { request.page = page } else { engine.fail("page is invalid") }
        }
        if let limit = integer("limit") { if (1...100).contains(limit) { request.limit = limit } else { engine.fail("limit does not have a valid value") } }
        return request
    }

    /// `range` (`created`/`updated`), `from`, `to` in Unix seconds.
    mutating func window() -> TimeWindow {
        let range = optional("range")
        if let range, range != "created" && range != "updated" { engine.fail("range does not have a valid value") }
        return TimeWindow(updated: range == "updated", from: integer("from").map(Int64.init), to: integer("to").map(Int64.init))
    }

    mutating func fail(_ sentence: String) { engine.fail(sentence) }

    func finish() throws { try engine.finish() }
}
