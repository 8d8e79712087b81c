import Hummingbird
import PortcullisCore

/// `GET resource/swagger_doc` and `swagger_doc/{name}`: a Swagger 2.0
/// description of the API, built from `APIDescription` (with the OpenID
/// Connect endpoints when they are on). No authentication at this layer.
struct SwaggerController {
    static let base = "/api/v2/auth"
    let oidc: Bool

    var operations: [APIDescription.Operation] {
        APIDescription.operations + (oidc ? APIDescription.oidcOperations : [])
    }

    func addRoutes(to router: Router<PortcullisContext>) {
        for path in ["/resource/swagger_doc", "/resource/swagger_doc.json"] {
            router.get(RouterPath(Self.base + path)) { _, _ in Responses.json(document(family: nil)) }
        }
        router.get(RouterPath(Self.base + "/resource/swagger_doc/:name")) { _, context in
            let name = context.parameters.get("name") ?? ""
            guard operations.contains(where: { $0.path.split(separator: "/").dropFirst().first.map(String.init) == name }) else {
                throw APIError(.notFound, ErrorKey.Record.notFound)
            }
            return Responses.json(document(family: name))
        }
    }

    /// `family` keeps the operations of one route family (`users`, `labels` …).
    func document(family: String?) -> JSONValue {
        let operations = operations.filter { op in
            family == nil || op.path.split(separator: "/").dropFirst().first.map(String.init) == family
        }
        var paths: [(String, JSONValue)] = []
        for path in Self.uniquePaths(operations) {
            let ops = operations.filter { $0.path == path }.map { op in (op.method.lowercased(), Self.operation(op)) }
            paths.append((path, .object(ops)))
        }
        return .object([
            ("swagger", .string("2.0")),
            ("info", .object([("title", .string("Portcullis")), ("version", .string(BuildInfo.version)),
                              ("description", .string("Barong-compatible authentication API"))])),
            ("basePath", .string(Self.base)),
            ("produces", .array([.string("application/json")])),
            ("securityDefinitions", .object([("BearerToken", .object([
                ("type", .string("apiKey")), ("name", .string("Authorization")), ("in", .string("header")),
            ])), ("ClientBasic", .object([("type", .string("basic"))]))])),
            ("paths", .object(paths)),
        ])
    }

    static func uniquePaths(_ operations: [APIDescription.Operation]) -> [String] {
        var seen: [String] = []
        for op in operations where !seen.contains(op.path) { seen.append(op.path) }
        return seen
    }

    static func operation(_ op: APIDescription.Operation) -> JSONValue {
        let pathParams = Set(op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
        let bodyIn = op.method == "GET" || op.method == "DELETE" ? "query" : "formData"
        let params: [JSONValue] = op.params.map { p in
            let location = pathParams.contains(p.name) ? "path" : bodyIn
            var fields: [(String, JSONValue)] = [
                ("name", .string(p.name)), ("in", .string(location)),
                ("required", .bool(location == "path" ? true : p.required)), ("type", .string(p.type)),
            ]
            if let values = p.values { fields.append(("enum", .array(values.map { .string($0) }))) }
            return .object(fields)
        }
        var fields: [(String, JSONValue)] = [
            ("summary", .string(op.summary)),
            ("operationId", .string(op.method.lowercased() + op.path.replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))),
        ]
        if bodyIn == "formData" && !op.params.isEmpty {
            let types = ["application/x-www-form-urlencoded"] + (op.formOnly ? [] : ["multipart/form-data"])
            fields.append(("consumes", .array(types.map { .string($0) })))
        }
        if let produces = op.produces { fields.append(("produces", .array(produces.map { .string($0) }))) }
        fields.append(("parameters", .array(params)))
        if let security = op.security ?? (op.authenticated ? "BearerToken" : nil) {
            fields.append(("security", .array([.object([(security, .array([]))])])))
        }
        var responses: [(String, JSONValue)] = []
        // Deleting one record by key answers 204 with no body.
        if op.method == "DELETE" && op.path.hasSuffix("}") {
            responses.append(("204", .object([("description", .string("Deleted"))])))
        }
        responses.append(("default", .object([("description", .string("Success, or {\"errors\": [keys]}"))])))
        fields.append(("responses", .object(responses)))
        return .object(fields)
    }
}
