import Testing
@testable import PortcullisCore

/// Hardening rules of the domain, each failing on the code before it: letters per
/// scalar, role grants bounded by the granter's abilities, rule paths
/// compared without regard to ASCII case, and the throttle's keys.
struct SecurityRound2Tests {
    @Test func namesAreLettersScalarByScalar() {
        // A prepend letter (U+0D4E) made `<` part of a "letter" Character.
        for hostile in ["\u{0D4E}<textarea \u{0D4E}>", "\u{0600}<b", ">\u{0301}", "a\u{0600}\"x", "Ada\r\nX"] {
            #expect(ProfileRules.check(hostile, "first_name", min: 1, extras: ProfileRules.nameExtras) == "first_name.invalid",
                    "\(hostile.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        for name in ["Zoë", "José", "O'Brien", "Jean-Luc", "Ørsted", "नमस्ते", "محمد", "山田", "e\u{0301}"] {
            #expect(ProfileRules.check(name, "first_name", min: 1, extras: ProfileRules.nameExtras) == nil, "\(name)")
        }
        #expect(ProfileRules.check("1 Rue d'Été, #4 (b)", "address", min: 1, extras: ProfileRules.addressExtras) == nil)
        #expect(ProfileRules.check("Main St <script>", "address", min: 1, extras: ProfileRules.addressExtras) == "address.invalid")
    }

    @Test func usernamesAreASCIILettersAndDigitsScalarByScalar() throws {
        let validator = UserRecordValidator(policy: try PasswordPolicy(config: Config()))
        #expect(validator.validateUsername("ada2026") == nil)
        #expect(validator.validateUsername("ada\u{0301}x") == ErrorKey.Record.usernameInvalid)
        #expect(validator.validateUsername("ab\r\ncd") == ErrorKey.Record.usernameInvalid)
    }

    @Test func noRoleGrantsMoreThanTheGranterHas() throws {
        let table = try AbilityTable.defaults()
        #expect(!table.covers("admin", by: "support"))
        #expect(!table.covers("compliance", by: "support") && !table.covers("technical", by: "support"))
        #expect(table.covers("member", by: "support") && table.covers("support", by: "support"))
        for role in ["admin", "technical", "accountant", "compliance", "support", "member"] {
            #expect(table.covers(role, by: "admin"), "\(role)")
        }
        #expect(!table.covers("superadmin", by: "admin"))
        #expect(table.covers("superadmin", by: "superadmin") && table.covers("admin", by: "superadmin"))
        let all = AbilityTable(roles: ["root", "admin"], entries: ["root": .init(read: [], manage: ["all"]),
                                                                  "admin": .init(read: ["all"], manage: ["User"])])
        #expect(!all.covers("root", by: "admin") && all.covers("admin", by: "root"))
    }

    @Test func permissionPathsIgnoreASCIICase() {
        let rows = [Permission(role: "member", verb: "ALL", path: "api/v2/peatio", action: "ACCEPT", topic: nil),
                    Permission(role: "member", verb: "ALL", path: "api/v2/peatio/admin", action: "DROP", topic: nil)]
        for path in ["api/v2/peatio/admin/orders", "api/v2/peatio/Admin/orders", "api/v2/PEATIO/ADMIN/orders"] {
            #expect(!PermissionRules.decide(rows, role: "member", method: "GET", path: path).allowed, "\(path)")
        }
        #expect(PermissionRules.decide(rows, role: "member", method: "GET", path: "api/v2/peatio/orders").allowed)
        #expect(AccessRules.defaults.blocks("api/v2/barong/Management/users") && AccessRules.defaults.blocks("api/v2/PEATIO/management"))
        #expect(!AccessRules.defaults.passes("api/v2/barong/IDENTITY/sessions"), "pass rules stay exact")
        #expect("api/v2/é".hasPrefixIgnoringASCIICase("api/V2/é") && !"api/v2/É".hasPrefixIgnoringASCIICase("api/v2/é"))
    }

    @Test func aKnownDeviceIsCountedOnItsOwnKey() {
        let client = ClientInfo(ip: "10.0.0.1", userAgent: "x", deviceHash: "d1")
        let known = LoginThrottle.Attempt(email: "a@example.com", client: client, knownDevice: true)
        let unknown = LoginThrottle.Attempt(email: "a@example.com", client: client, knownDevice: false)
        let cookieless = LoginThrottle.Attempt(email: "a@example.com", client: ClientInfo(ip: "10.0.0.1", userAgent: "x"),
                                               knownDevice: true)
        let account = LoginThrottle.accountKey("a@example.com")
        #expect(LoginThrottle.ownKey(known) == account + ":device:d1")
        #expect(LoginThrottle.ownKey(unknown) == account + ":ip:10.0.0.1")
        #expect(!cookieless.knownDevice && LoginThrottle.ownKey(cookieless) == account + ":ip:10.0.0.1")
        #expect(LoginThrottle.ownKey(LoginThrottle.Attempt(email: "a@example.com", client: nil, knownDevice: false)) == account + ":service")
        #expect(LoginThrottle.accountWide(5) == 50 && LoginThrottle.accountWide(0) == 0 && LoginThrottle.accountWide(Int.max) == Int.max)
    }
}
