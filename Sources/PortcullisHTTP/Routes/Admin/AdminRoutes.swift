import Hummingbird
import PortcullisCore

/// What an admin route needs of its caller's role.
struct AdminAbility: Sendable {
    let action: AbilityTable.Action
    let subject: String

    static func read(_ subject: String) -> AdminAbility { AdminAbility(action: .read, subject: subject) }
    static func create(_ subject: String) -> AdminAbility { AdminAbility(action: .create, subject: subject) }
    static func update(_ subject: String) -> AdminAbility { AdminAbility(action: .update, subject: subject) }
    static func destroy(_ subject: String) -> AdminAbility { AdminAbility(action: .destroy, subject: subject) }
}

/// Admin routes declare their ability where they are registered. A handler
/// has two phases: it reads its params (and returns its work), then the
/// wrapper reports every param failure (422), checks the ability (401) —
/// Barong's order — and only then runs the work, the first place the
/// caller is given. A handler cannot reach the caller around its gate.
struct AdminRoutes {
    let group: RouterGroup<PortcullisContext>
    let abilities: AbilityTable
    /// Error keys are `admin.<resource>.…`.
    let resource: String

    typealias Work = @Sendable (Caller) async throws -> Response
    typealias Handler = @Sendable (inout AdminParams, PortcullisContext) throws -> Work

    /// `ability` nil: any admin caller (`GET abilities`).
    func on(_ method: HTTPRequest.Method, _ path: String, _ ability: AdminAbility?, resource: String? = nil,
            use handler: @escaping Handler) {
        let (abilities, resource) = (self.abilities, resource ?? self.resource)
        group.on(method, path) { _, context in
            let caller = try context.requireCaller()
            var params = AdminParams(context.params, resource: resource)
            let work = try handler(&params, context)
            try params.finish()
            if let ability { try abilities.require(ability.action, ability.subject, caller) }
            return try await work(caller)
        }
    }

    func get(_ path: String, _ ability: AdminAbility?, resource: String? = nil, use handler: @escaping Handler) {
        on(.get, path, ability, resource: resource, use: handler)
    }
    func post(_ path: String, _ ability: AdminAbility, resource: String? = nil, use handler: @escaping Handler) {
        on(.post, path, ability, resource: resource, use: handler)
    }
    func put(_ path: String, _ ability: AdminAbility, resource: String? = nil, use handler: @escaping Handler) {
        on(.put, path, ability, resource: resource, use: handler)
    }
    func delete(_ path: String, _ ability: AdminAbility, resource: String? = nil, use handler: @escaping Handler) {
        on(.delete, path, ability, resource: resource, use: handler)
    }
}
