import Hummingbird
import PortcullisCore

extension EntityRenderer {
    /// ServiceAccounts: the account with its owner (or null).
    func serviceAccount(_ listed: ManagementAccountService.Listed) -> JSONValue {
        let a = listed.account
        return .object([
            ("email", .string(a.email)), ("uid", .string(a.uid)), ("role", .string(a.role)), ("level", .int(a.level)),
            ("state", .string(a.state)), ("user", listed.owner.map { .object(user($0, referralUID: nil)) } ?? .null),
            ("created_at", .string(Timestamp.iso8601(a.createdAt))), ("updated_at", .string(Timestamp.iso8601(a.updatedAt))),
        ])
    }

    /// Phone as admins and back-ends see it (never masked).
    func managementPhone(_ p: PhoneRecord) -> JSONValue {
        phone(Phone(country: p.country, number: p.number, validatedAt: p.validatedAt))
    }
}
