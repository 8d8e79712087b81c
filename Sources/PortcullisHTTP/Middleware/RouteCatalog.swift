import Hummingbird
import Synchronization

/// The method and path of every route, taken from the router's own route
/// list once it is built (`record`), so a miss can be told apart as 404 or
/// 405 and the gate sweeps can walk every route. The authorize catch-all
/// (`**`) is left out: it matches every path.
final class RouteCatalog: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, path: RouterPath)]>([])

    func record(_ router: Router<PortcullisContext>) {
        let routes = router.routes.filter { !$0.path.description.contains("**") }.map { ($0.method, $0.path) }
        entries.withLock { $0 = routes }
    }

    /// Every registered route as `METHOD /path` with `{param}` placeholders.
    var routes: Set<String> {
        entries.withLock { Set($0.map { "\($0.method.rawValue) \($0.path.description)" }) }
    }

    /// The methods registered for a concrete path (empty when none matches).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let target = path.split(separator: "/")
        return entries.withLock { list in
            list.filter { entry in
                entry.path.components.count == target.count && zip(entry.path.components, target).allSatisfy { $0 ~= $1 }
            }.map(\.method)
        }
    }
}

extension RouterGroup where Context == PortcullisContext {
    /// A route whose path is a `String` (the gate wrappers build them).
    func on(_ method: HTTPRequest.Method, _ path: String,
            use handler: @escaping @Sendable (Request, PortcullisContext) async throws -> Response) {
        on(RouterPath(path), method: method, use: handler)
    }
}
