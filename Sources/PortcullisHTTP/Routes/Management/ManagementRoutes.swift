import Hummingbird
import PortcullisCore

/// Management routes declare their scope where they are registered.
/// The wrapper verifies the signed body for the scope,
/// hands the verified `data` to the handler's params phase, reports every
/// param failure (422), and only then runs the work.
struct ManagementRoutes {
    let group: RouterGroup<PortcullisContext>
    let gate: ManagementGate

    typealias Work = @Sendable () async throws -> Response
    typealias Handler = @Sendable (inout ManagementParams) throws -> Work

    func on(_ method: HTTPRequest.Method, _ path: String, scope: String, use handler: @escaping Handler) {
        let gate = self.gate
        group.on(method, path) { _, context in
            let data = try await gate.verify(body: context.params.rawBody, scope: scope)
            var raw = Params(try ParamsReader.json(data))
            raw.rawBody = data
            var params = ManagementParams(raw, client: context.client)
            let work = try handler(&params)
            try params.finish()
            return try await work()
        }
    }

    func post(_ path: String, scope: String, use handler: @escaping Handler) { on(.post, path, scope: scope, use: handler) }
    func put(_ path: String, scope: String, use handler: @escaping Handler) { on(.put, path, scope: scope, use: handler) }
}
