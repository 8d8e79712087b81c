import PortcullisCore

/// Runs `body` and reports how it ended to `record`: nil when it succeeded,
/// else the error's first key (a bounded set: the API's error keys).
func counted<T>(_ record: (String?) -> Void, _ body: () async throws -> T) async throws -> T {
    do {
        let value = try await body()
        record(nil)
        return value
    } catch {
        record(failureKey(error))
        throw error
    }
}

/// The key an error is reported under in metrics.
func failureKey(_ error: any Error) -> String {
    if let api = error as? APIError { return api.keys.first ?? "status_\(api.status.rawValue)" }
    if error is StoreUnavailable { return ErrorKey.Server.databaseUnavailable }
    if error is StorageFull { return ErrorKey.Server.storageFull }
    return "other"
}
