import Hummingbird
import PortcullisCore

/// Who may use a console route, declared where the route is registered:
/// the ability the admin API asks for the same work (abilities.yml), and
/// that API call as the gateway permission table sees it, so a DROP row
/// refuses the console as it refuses the API and an AUDIT row records both.
/// A `{name}` segment of `apiPath` stands for the route's `:name`.
struct ConsoleGate: Sendable {
    let action: AbilityTable.Action
    let subject: String
    let method: String
    let apiPath: String

    static func read(_ subject: String, _ apiPath: String) -> ConsoleGate {
        ConsoleGate(action: .read, subject: subject, method: "GET", apiPath: apiPath)
    }

    static func write(_ action: AbilityTable.Action, _ subject: String, _ method: String, _ apiPath: String) -> ConsoleGate {
        ConsoleGate(action: action, subject: subject, method: method, apiPath: apiPath)
    }

    /// The path the permission table sees, e.g. `api/v2/barong/admin/users/ID123`.
    func gatewayPath(_ parameter: (String) -> String?) -> String {
        let path = apiPath.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return String(segment) }
            return parameter(String(segment.dropFirst().dropLast())) ?? String(segment)
        }.joined(separator: "/")
        return path.isEmpty ? "api/v2/barong/admin" : "api/v2/barong/admin/" + path
    }
}

/// A console request that passed its gate.
struct ConsoleCall: Sendable {
    let request: Request
    let context: PortcullisContext
    let op: ConsoleSessionService.Operator
    var form: ConsoleForm { ConsoleForm(params: context.params) }
    var client: ClientInfo { context.client }
    var secure: Bool { context.overHTTPS }
    /// A path parameter (`:uid`, `:id`); "" when absent.
    func path(_ name: String) -> String { context.parameters.get(name) ?? "" }
}

/// What an action did: the message for the next page, and where to go
/// (nil: back to the page the form was on).
struct ConsoleDone: Sendable {
    var notice: String
    var location: String?
    init(_ notice: String, location: String? = nil) { self.notice = notice; self.location = location }
}

/// Thrown by an action that must ask before it acts: the console shows the
/// warning with the same form, confirmed, to post again.
struct ConsoleConfirmation: Error {
    let warning: String
}
