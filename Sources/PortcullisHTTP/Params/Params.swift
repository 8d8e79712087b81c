import PortcullisCore

/// One request parameter as the client sent it.
enum ParamValue: Sendable, Equatable {
    case string(String)
    case object([String: ParamValue])
    /// An array, or any JSON value that has no text form.
    case unsupported
}

/// The one boolean rule of request params (every API): `true`/`false`/`1`/`0`, any case.
enum ParamBoolean {
    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }
}

/// Every parameter of a request, merged from the query string and the body
/// (body wins on a clash). Handlers read them through `ParamValidator`.
struct Params: Sendable {
    var values: [String: ParamValue]
    /// Uploaded files of a multipart body, by field name (`upload[]` is read as `upload`).
    var files: [String: [UploadedFile]] = [:]
    /// The body as received (the KYC callback's signature covers it).
    var rawBody: [UInt8] = []

    init(_ values: [String: ParamValue] = [:]) { self.values = values }

    subscript(name: String) -> ParamValue? { values[name] }

    /// The parameters that are text (what the permission audit records).
    var texts: [String: String] {
        var texts: [String: String] = [:]
        for (key, value) in values { if case .string(let text) = value { texts[key] = text } }
        return texts
    }

    func merging(_ other: [String: ParamValue]) -> Params {
        var merged = Params(values.merging(other) { _, body in body })
        merged.files = files
        merged.rawBody = rawBody
        return merged
    }
}

/// How a family of routes names a failed param: the API's error keys under a scope
/// (`resource.user.missing_email`), the admin API's keys (an absent
/// required param is both `missing_` and `empty_`), or the management
/// API's Grape sentences (`email is missing, email is empty`, one 422).
struct ParamDialect: Sendable {
    let scope: String
    let missing: @Sendable (String) -> String
    let empty: @Sendable (String) -> String
    let invalid: @Sendable (String) -> String
    /// An absent required param also reports `empty`.
    let absentIsEmpty: Bool
    let failure: @Sendable ([String]) -> any Error

    static func keys(_ scope: String, absentIsEmpty: Bool = false) -> ParamDialect {
        ParamDialect(scope: scope, missing: { ErrorKey.missing(scope, $0) }, empty: { ErrorKey.empty(scope, $0) },
                     invalid: { ErrorKey.invalid(scope, $0) }, absentIsEmpty: absentIsEmpty,
                     failure: { APIError(.unprocessable, keys: $0) })
    }

    static let sentences = ParamDialect(
        scope: "", missing: { "\($0) is missing" }, empty: { "\($0) is empty" }, invalid: { "\($0) is invalid" }, absentIsEmpty: true,
        failure: { ManagementError.sentence(.unprocessable, $0.joined(separator: ", ")) }
    )
}

/// The one param engine of every API: reads typed params and collects the
/// failures (missing, blank, wrong type) in declaration order in its
/// dialect; `finish()` throws them together as one 422.
struct ParamValidator {
    let params: Params
    let dialect: ParamDialect
    private(set) var errors: [String] = []

    /// The API's error keys under `scope` (`identity.user`, `resource.user` …).
    init(_ params: Params, scope: String) {
        self.init(params, dialect: .keys(scope))
    }

    init(_ params: Params, dialect: ParamDialect) {
        self.params = params
        self.dialect = dialect
    }

    var scope: String { dialect.scope }

    /// A required, non-blank string. `missingKey` overrides the generic
    /// failure; `allowBlank` accepts blank and reports only `missing`.
    mutating func required(_ name: String, missingKey: String? = nil, allowBlank: Bool = false) -> String {
        switch params[name] {
        case nil:
            errors.append(missingKey ?? dialect.missing(name))
            if dialect.absentIsEmpty && !allowBlank && missingKey == nil { errors.append(dialect.empty(name)) }
        case .string(let value):
            if !allowBlank && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.append(dialect.empty(name))
            }
            return value
        case .object, .unsupported:
            errors.append(dialect.invalid(name))
        }
        return ""
    }

    /// An optional string; blank counts as absent unless `keepBlank`.
    mutating func optional(_ name: String, keepBlank: Bool = false) -> String? {
        switch params[name] {
        case nil: return nil
        case .string(let value):
            if !keepBlank && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
            return value
        case .object, .unsupported:
            errors.append(dialect.invalid(name))
            return nil
        }
    }

    /// An optional string that, when present, must not be blank.
    mutating func optionalNonBlank(_ name: String) -> String? {
        guard params[name] != nil else { return nil }
        let before = errors.count
        let value = required(name)
        return errors.count == before && !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? value : nil
    }

    /// An optional integer; not an integer → `invalid`.
    mutating func integer(_ name: String) -> Int? {
        guard let text = optional(name) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            errors.append(dialect.invalid(name))
            return nil
        }
        return value
    }

    /// A boolean by the one rule (ParamBoolean); else `failure` (default: `invalid`).
    /// `keepBlank`: a blank value is a failure, not absent.
    mutating func boolean(_ name: String, default fallback: Bool, failure: String? = nil, keepBlank: Bool = false) -> Bool {
        guard let text = optional(name, keepBlank: keepBlank) else { return fallback }
        guard let value = ParamBoolean.parse(text) else {
            errors.append(failure ?? dialect.invalid(name))
            return fallback
        }
        return value
    }

    mutating func fail(_ failure: String) { errors.append(failure) }

    func finish() throws {
        if !errors.isEmpty { throw dialect.failure(errors) }
    }
}
