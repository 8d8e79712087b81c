import PortcullisCore

/// Parameter rules of the admin API (api-admin.md §A0): keys
/// `admin.<resource>.missing_/empty_/invalid_<param>`, a required non-blank
/// param that is absent gives both `missing_` and `empty_`, and pagination
/// keeps Barong's bare keys (`non_integer_page` …).
struct AdminParams {
    private var validator: ParamValidator
    let resource: String

    init(_ params: Params, resource: String) {
        validator = ParamValidator(params, scope: "admin.\(resource)")
        self.resource = resource
    }

    var scope: String { validator.scope }
    var raw: Params { validator.params }

    /// Required and non-blank.
    mutating func required(_ name: String) -> String {
        if validator.params[name] == nil {
            validator.fail(ErrorKey.missing(scope, name))
            validator.fail(ErrorKey.empty(scope, name))
            return ""
        }
        return validator.required(name)
    }

    /// Required, blank allowed (only `missing_<param>`).
    mutating func requiredAllowingBlank(_ name: String) -> String {
        validator.required(name, allowBlank: true)
    }

    /// Optional, but not blank when sent (`empty_<param>`).
    mutating func optionalNonBlank(_ name: String) -> String? {
        guard validator.params[name] != nil else { return nil }
        let value = validator.required(name)
        return value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : value
    }

    /// An optional filter: blank counts as absent.
    mutating func filter(_ name: String) -> String? { validator.optional(name) }

    /// An optional integer; not an integer → `admin.<resource>.invalid_<param>`.
    mutating func integer(_ name: String) -> Int? {
        guard let text = validator.optional(name) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            validator.fail(ErrorKey.invalid(scope, name))
            return nil
        }
        return value
    }

    /// A required integer (absent → missing, blank → empty, garbage → invalid).
    mutating func requiredInteger(_ name: String) -> Int64 {
        let text = required(name)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return 0 }
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            validator.fail(ErrorKey.invalid(scope, name))
            return 0
        }
        return value
    }

    /// A boolean (`true`/`false`/`1`/`0`); else `failKey`.
    mutating func boolean(_ name: String, default fallback: Bool, failKey: String) -> Bool {
        guard let text = validator.optional(name, keepBlank: true) else { return fallback }
        guard let value = ParamBoolean.parse(text) else {
            validator.fail(failKey)
            return fallback
        }
        return value
    }

    /// An optional value from a fixed list; else `failKey`.
    mutating func choice(_ name: String, _ allowed: [String], failKey: String) -> String? {
        guard let value = validator.optional(name, keepBlank: true) else { return nil }
        if !allowed.contains(value) { validator.fail(failKey) }
        return value
    }

    /// `page` 1…`PageRequest.maxPage` and `limit` 1…100 (defaults 1 and 100), Barong's bare keys
    /// (`invalid_page` above the maximum, in the style of `invalid_limit`).
    mutating func page() -> PageRequest {
        var request = PageRequest(page: 1, limit: 100)
        if let text = validator.optional("page", keepBlank: true) {
            if let value = Int(text) {
                if value < 1 {
                    validator.fail(ErrorKey.Admin.nonPositivePage)
                } else if value > PageRequest.maxPage {
                    validator.fail(ErrorKey.Admin.invalidPage)
                } else {
                    request.page = value
                }
            } else {
                validator.fail(ErrorKey.Admin.nonIntegerPage)
            }
        }
        if let text = validator.optional("limit", keepBlank: true) {
            if let value = Int(text) {
                if (1...100).contains(value) { request.limit = value } else { validator.fail(ErrorKey.Admin.invalidLimit) }
            } else {
                validator.fail(ErrorKey.Admin.nonIntegerLimit)
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

    mutating func fail(_ key: String) { validator.fail(key) }

    func finish() throws { try validator.finish() }
}
