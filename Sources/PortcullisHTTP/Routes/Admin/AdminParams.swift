import PortcullisCore

/// Parameter rules of the admin API: keys
/// `admin.<resource>.missing_/empty_/invalid_<param>`, a required non-blank
/// param that is absent gives both `missing_` and `empty_`, and pagination
/// keeps Barong's bare keys (`non_integer_page` …).
struct AdminParams {
    private var engine: ParamValidator
    let resource: String

    init(_ params: Params, resource: String) {
        engine = ParamValidator(params, dialect: .keys("admin.\(resource)", absentIsEmpty: true))
        self.resource = resource
    }

    var scope: String { engine.scope }
    var raw: Params { engine.params }

    /// Required and non-blank (absent: `missing_` and `empty_`).
    mutating func required(_ name: String) -> String { engine.required(name) }

    /// Required, blank allowed (only `missing_<param>`).
    mutating func requiredAllowingBlank(_ name: String) -> String { engine.required(name, allowBlank: true) }

    /// Optional, but not blank when sent (`empty_<param>`).
    mutating func optionalNonBlank(_ name: String) -> String? { engine.optionalNonBlank(name) }

    /// An optional filter: blank counts as absent.
    mutating func filter(_ name: String) -> String? { engine.optional(name) }

    /// An optional integer; not an integer → `admin.<resource>.invalid_<param>`.
    mutating func integer(_ name: String) -> Int? { engine.integer(name) }

    /// A required integer (absent → missing, blank → empty, garbage → invalid).
    mutating func requiredInteger(_ name: String) -> Int64 {
        let text = required(name)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return 0 }
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            engine.fail(ErrorKey.invalid(scope, name))
            return 0
        }
        return value
    }

    /// A boolean (ParamBoolean; blank is no boolean); else `failKey`.
    mutating func boolean(_ name: String, default fallback: Bool, failKey: String) -> Bool {
        engine.boolean(name, default: fallback, failure: failKey, keepBlank: true)
    }

    /// An optional value from a fixed list; else `failKey`.
    mutating func choice(_ name: String, _ allowed: [String], failKey: String) -> String? {
        guard let value = engine.optional(name, keepBlank: true) else { return nil }
        if !allowed.contains(value) { engine.fail(failKey) }
        return value
    }

    /// `page` 1…`PageRequest.maxPage` and `limit` 1…100 (defaults 1 and 100), Barong's bare keys
    /// (`invalid_page` above the maximum, in the style of `invalid_limit`).
    mutating func page() -> PageRequest {
        var request = PageRequest(page: 1, limit: 100)
        if let text = engine.optional("page", keepBlank: true) {
            if let value = Int(text) {
                if value < 1 {
                    engine.fail(ErrorKey.Admin.nonPositivePage)
                } else if value > PageRequest.maxPage {
                    engine.fail(ErrorKey.Admin.invalidPage)
                } else {
                    request.page = value
                }
            } else {
                engine.fail(ErrorKey.Admin.nonIntegerPage)
            }
        }
        if let text = engine.optional("limit", keepBlank: true) {
            if let value = Int(text) {
                if (1...100).contains(value) { request.limit = value } else { engine.fail(ErrorKey.Admin.invalidLimit) }
            } else {
                engine.fail(ErrorKey.Admin.nonIntegerLimit)
            }
        }
        return request
    }

    /// `range` (`created`/`updated`, or only `created`), `from`, `to` in Unix seconds.
    mutating func window(ranges: [String] = ["created", "updated"], rangeKey: String? = nil) -> TimeWindow {
        let range = choice("range", ranges, failKey: rangeKey ?? ErrorKey.invalid(scope, "range")) ?? "created"
        let from = integer("from").map(Int64.init)
        let to = integer("to").map(Int64.init)
        return TimeWindow(updated: range == "updated", from: from, to: to)
    }

    mutating func fail(_ key: String) { engine.fail(key) }

    func finish() throws { try engine.finish() }
}
