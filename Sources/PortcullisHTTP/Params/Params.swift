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

/// Reads typed parameters and collects the api.md keys of those that fail
/// (missing, blank, wrong type) in declaration order; `finish()` throws
/// them together as one 422.
struct ParamValidator {
    let params: Params
    /// `identity.user`, `identity.session`, `resource.user` …
    let scope: String
    private(set) var errors: [String] = []

    init(_ params: Params, scope: String) {
        self.params = params
        self.scope = scope
    }

    /// A required, non-blank string. `missingKey` overrides the generic key.
    mutating func required(_ name: String, missingKey: String? = nil, allowBlank: Bool = false) -> String {
        switch params[name] {
        case nil:
            errors.append(missingKey ?? ErrorKey.missing(scope, name))
        case .string(let value):
            if !allowBlank && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.append(ErrorKey.empty(scope, name))
            }
            return value
        case .object, .unsupported:
            errors.append(ErrorKey.invalid(scope, name))
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
            errors.append(ErrorKey.invalid(scope, name))
            return nil
        }
    }

    /// An optional string that, when present, must not be blank.
    mutating func optionalNonBlank(_ name: String) -> String? {
        guard params[name] != nil else { return nil }
        let value = required(name)
        return errors.isEmpty ? value : nil
    }

    mutating func fail(_ key: String) { errors.append(key) }

    func finish() throws {
        if !errors.isEmpty { throw APIError(.unprocessable, keys: errors) }
    }
}
