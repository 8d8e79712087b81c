import Hummingbird
import PortcullisCore

extension AbilityTable {
    /// 401 `admin.ability.not_permitted` unless the caller's role may.
    func require(_ action: Action, _ subject: String, _ caller: Caller) throws {
        guard can(action, subject, role: caller.user.role) else {
            throw APIError(.unauthorized, ErrorKey.Admin.notPermitted)
        }
    }
}

extension Responses {
    /// A page of a list with the `Total`, `Page` and `Per-Page` headers.
    static func page(_ items: [JSONValue], total: Int, page: PageRequest) -> Response {
        json(.array(items), headers: [.total: String(total), .page: String(page.page), .perPage: String(page.limit)])
    }

    /// Barong's "status 200" answers: 200 with the JSON body `200`.
    static func ok200() -> Response { json(.int(200)) }
}
