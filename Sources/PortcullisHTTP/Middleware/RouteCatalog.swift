import Hummingbird
import Synchronization

/// The method and path pattern of every route, filled while the router is
/// built, so a miss can be told apart as 404 or 405.
final class RouteCatalog: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, _ path: String) {
        let segments = path.split(separator: "/")
        entries.withLock { $0.append((method, segments)) }
    }

    /// Every registered route as `METHOD /path` with `{param}` placeholders.
    var routes: Set<String> {
        entries.withLock { list in
            Set(list.map { entry in
                "\(entry.method.rawValue) /" + entry.segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            })
        }
    }

    /// The methods registered for a concrete path (empty when none matches).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let target = path.split(separator: "/")
        return entries.withLock { list in
            list.filter { entry in
                entry.segments.count == target.count && zip(entry.segments, target).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }.map(\.method)
        }
    }
}

/// A router group that records each route it adds in the catalog.
struct CatalogedGroup {
    let group: RouterGroup<PortcullisContext>
    let prefix: String
    let catalog: RouteCatalog

    typealias Handler = @Sendable (Request, PortcullisContext) async throws -> Response

    func on(_ method: HTTPRequest.Method, _ path: String, use handler: @escaping Handler) {
        catalog.add(method, prefix + "/" + path)
        group.on(RouterPath(path), method: method, use: handler)
    }

    func get(_ path: String, use handler: @escaping Handler) { on(.get, path, use: handler) }
    func post(_ path: String, use handler: @escaping Handler) { on(.post, path, use: handler) }
    func put(_ path: String, use handler: @escaping Handler) { on(.put, path, use: handler) }
    func patch(_ path: String, use handler: @escaping Handler) { on(.patch, path, use: handler) }
    func delete(_ path: String, use handler: @escaping Handler) { on(.delete, path, use: handler) }
}
