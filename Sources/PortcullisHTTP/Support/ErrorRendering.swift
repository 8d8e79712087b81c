import Hummingbird
import PortcullisCore

/// How a failure reaches the client on either listener (the API router and
/// the gateway listener): the same error becomes the same status and the
/// same `{"errors":[…]}` body, byte for byte.
enum ErrorRendering {
    /// The API error a failure is answered with; anything unforeseen is 500
    /// `server.internal_error` (and logged by the caller, by type only).
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case let error as HTTPError where error.status == .notFound: APIError(.notFound, ErrorKey.Server.routeNotFound)
        case let error as HTTPError where error.status == .contentTooLarge: APIError(.payloadTooLarge, ErrorKey.Server.tooLarge)
        case is StoreUnavailable: APIError(.serviceUnavailable, ErrorKey.Server.databaseUnavailable)
        case is StorageFull: APIError(.serviceUnavailable, ErrorKey.Server.storageFull)
        case is UnstorableValue: APIError(.badRequest, ErrorKey.Server.malformedBody)
        default: APIError(.internalError, ErrorKey.Server.internalError)
        }
    }

    /// Whether the failure is one the server did not foresee (worth a log line).
    static func isUnforeseen(_ error: any Error) -> Bool {
        apiError(for: error).status == .internalError && !(error is APIError)
    }

    /// The body: the error's keys, in order.
    static func body(_ error: APIError) -> JSONValue {
        .object([("errors", .array(error.keys.map(JSONValue.string)))])
    }
}
