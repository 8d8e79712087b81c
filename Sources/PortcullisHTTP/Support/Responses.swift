import Hummingbird
import PortcullisCore

/// Builders for the few response shapes the API uses.
enum Responses {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        json(body: ByteBuffer(string: value.serialized()), status: status, headers: headers)
    }

    /// A body that shows a secret once (recovery codes, an API key's secret):
    /// no cache or proxy on the way may keep it.
    static func secretJSON(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        json(value, status: status, headers: [.cacheControl: "no-store"])
    }

    /// A JSON body serialized beforehand.
    static func json(body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// An empty body with the given status (Barong's incidental bodies are
    /// not kept); still labelled JSON, as every answer of this API is.
    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init())
    }

    /// A body already serialized (management errors keep Barong's shapes).
    static func raw(_ json: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func errors(_ error: APIError) -> Response {
        json(ErrorRendering.body(error),
             status: HTTPResponse.Status(code: error.status.rawValue),
             headers: error.retryAfter.map { [.retryAfter: String($0)] } ?? [:])
    }
}
