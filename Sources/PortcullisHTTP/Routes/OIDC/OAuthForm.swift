import Foundation
import HTTPTypes
import Hummingbird
import PortcullisCore

/// The parameters of an OAuth request: the query, and a form-encoded body
/// on POST. A parameter sent twice is an error (RFC 6749 §3.1), as is a
/// body that is not a form or is over 64 KiB; every one answers in OAuth's
/// JSON error form, never Barong's.
struct OAuthForm: Sendable {
    let values: [String: String]
    /// The names that came in the URL's query.
    var inQuery: Set<String> = []

    subscript(name: String) -> String? { values[name] }

    /// A non-empty value, or nil.
    func given(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    static let maxBody = 64 * 1024
    /// Credentials and tokens a POST carries in its body only: a URL ends up in proxies' and servers' logs.
    static let bodyOnly = ["access_token", "client_secret", "code", "code_verifier", "refresh_token", "token"]

    static func read(_ request: Request) async throws -> OAuthForm {
        guard var pairs = parse(request.uri.query ?? "") else { throw OAuthError.invalidRequest("the query does not decode") }
        let inQuery = Set(pairs.map(\.0))
        if request.method == .post {
            if let name = bodyOnly.first(where: inQuery.contains) {
                throw OAuthError.invalidRequest("\(name) must be in the body, not the URL")
            }
            if ParamsReader.announces(request.headers[.contentLength], over: maxBody) {
                throw OAuthError.invalidRequest("the body is too large")
            }
            let body = try await request.body.collect(upTo: maxBody + 1)
            guard body.readableBytes <= maxBody else { throw OAuthError.invalidRequest("the body is too large") }
            if body.readableBytes > 0 {
                let type = request.headers[.contentType]?.lowercased() ?? ""
                guard type.hasPrefix("application/x-www-form-urlencoded") else {
                    throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded")
                }
                guard let text = String(validating: body.readableBytesView, as: UTF8.self), let parsed = parse(text) else {
                    throw OAuthError.invalidRequest("the body is not a form")
                }
                pairs += parsed
            }
        }
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard values[name] == nil else { throw OAuthError.invalidRequest("\(name) is sent more than once") }
            guard !value.unicodeScalars.contains("\0") else { throw OAuthError.invalidRequest("\(name) holds a NUL") }
            values[name] = value
        }
        return OAuthForm(values: values, inQuery: inQuery)
    }

    /// `a=b&c=d`, `+` as a space, percent-decoded; nil when a pair does not decode.
    static func parse(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// The client as it presented itself: HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or form fields.
    func client(_ request: Request) throws -> OIDCTokenService.Presented {
        // RFC 6749 §2.3.1: credentials never in the request URI (logs and proxies keep it).
        guard !inQuery.contains("client_secret") else { throw OAuthError.invalidRequest("client_secret must not be in the URL") }
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                  let id = String(text[..<colon]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let secret = String(text[text.index(after: colon)...]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { throw OAuthError.invalidClient("unreadable Basic credentials") }
            guard given("client_secret") == nil else { throw OAuthError.invalidRequest("one client authentication method at a time") }
            if let formID = given("client_id"), formID != id { throw OAuthError.invalidClient("client_id does not match") }
            return .init(clientID: id, secret: secret, basic: true)
        }
        return .init(clientID: given("client_id"), secret: values["client_secret"], basic: false)
    }
}

/// OAuth answers: JSON errors (`error`, `error_description`) and token bodies, never cached.
enum OAuthResponses {
    static func error(_ error: OAuthError) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
        if error.status == 401 {
            headers[.wwwAuthenticate] = error.code == "invalid_token" ? "Bearer error=\"invalid_token\"" : "Basic realm=\"oidc\""
        }
        let body = JSONValue.object([("error", .string(error.code)), ("error_description", .string(error.description))])
        return Responses.json(body, status: HTTPResponse.Status(code: error.status), headers: headers)
    }

    static func json(_ value: JSONValue) -> Response {
        Responses.json(value, headers: [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"])
    }

    /// Runs an endpoint, answering any OAuth error in its JSON form.
    static func answer(_ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let error as OAuthError {
            return Self.error(error)
        }
    }
}
