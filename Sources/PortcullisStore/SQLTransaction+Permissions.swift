import PortcullisCore
import SQLKit

extension SQLTransaction {
    func permissions() async throws -> [Permission] {
        try await db.raw("SELECT role, verb, path, action, topic FROM permissions ORDER BY id").all().map { row in
            Permission(role: try row.string("role"), verb: try row.string("verb"), path: try row.string("path"),
                       action: try row.string("action"), topic: try row.optionalString("topic"))
        }
    }
}
