import PortcullisCore

/// The console's view of a request's params (query and form body): text
/// fields trimmed, blanks as absent, numbers bounded so no input can trap.
struct ConsoleForm: Sendable {
    let params: Params

    func text(_ name: String) -> String? {
        guard case .string(let raw) = params[name] else { return nil }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A text field that must be there: else 422 `<scope>.missing_<name>`.
    func required(_ name: String, scope: String) throws -> String {
        guard let value = text(name) else { throw APIError(.unprocessable, ErrorKey.missing(scope, name)) }
        return value
    }

    /// An integer within `range`, else nil (absent, not a number, or out of range).
    func int(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = text(name), text.utf8.count <= 12, let value = Int(text), range.contains(value) else { return nil }
        return value
    }

    /// A `YYYY-MM-DD` date as Unix seconds at 00:00 UTC (`endOfDay`: 23:59:59).
    func day(_ name: String, endOfDay: Bool = false) -> Int64? {
        guard let text = text(name), text.utf8.count == 10 else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1970...9999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        let start = Timestamp.daysFromCivil(year: y, month: m, day: d) * 86_400
        return endOfDay ? start + 86_399 : start
    }

    /// The text params as a query string (for paging links and the CSV link), `page` replaced when given.
    func query(page: Int? = nil) -> String {
        var fields = auditable.filter { $0.key != "page" }
        if let page { fields["page"] = String(page) }
        return fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }

    /// The text params (what the permission audit records, as the API's).
    var auditable: [String: String] { params.texts.filter { $0.key != "csrf_token" && $0.key != "back" } }
}
