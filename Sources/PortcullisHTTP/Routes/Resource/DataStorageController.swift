import Hummingbird
import PortcullisCore

/// `POST resource/data_storage`.
struct DataStorageController {
    let dataStorage: DataStorageService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("", use: create)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceDataStorage)
        let title = params.required("title")
        let data = params.required("data")
        try params.finish()
        try await dataStorage.create(title: title, data: data, for: caller.user)
        return Responses.empty(.created)
    }
}
