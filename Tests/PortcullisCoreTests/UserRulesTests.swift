import Foundation
import Testing
@testable import PortcullisCore

struct UIDGeneratorTests {
    @Test func uidIsPrefixAndTenUpperHexDigits() {
        let uid = UIDGenerator(prefix: "id").next()
        #expect(uid.hasPrefix("ID"))
        #expect(uid.count == 12)
        #expect(uid.dropFirst(2).allSatisfy { "0123456789ABCDEF".contains($0) })
    }

    @Test func uidsDoNotRepeat() {
        let generator = UIDGenerator(prefix: "ID")
        let uids = Set((0..<1000).map { _ in generator.next() })
        #expect(uids.count == 1000)
    }
}

struct EmailAddressTests {
    @Test func validAddressesAreTrimmedAndLowerCased() {
        #expect(EmailAddress.normalize("  John.Doe+x@Example.COM ") == "john.doe+x@example.com")
        #expect(EmailAddress.normalize("ünï@exämple.de") == "ünï@exämple.de")
    }

    @Test(arguments: ["", "plain", "a@b", "a@b.c", "a b@c.io", "a@b..io", "' OR 1=1 --@x.io", "a\0@b.io",
                      String(repeating: "a", count: 65) + "@b.io", "a@" + String(repeating: "b", count: 260) + ".io"])
    func invalidAddressesAreRefused(_ address: String) {
        #expect(EmailAddress.normalize(address) == nil)
    }
}

struct MaskingTests {
    @Test func phoneKeepsCountryCodeAndLastFour() {
        #expect(Masking.phone("380501234567", countryCodeLength: PhoneCountryCode.length(of: "380501234567")) == "380*****4567")
        #expect(Masking.phone("15550109999", countryCodeLength: PhoneCountryCode.length(of: "15550109999")) == "1******9999")
    }

    @Test func lastNameAndDateOfBirth() {
        #expect(Masking.lastName("Smith") == "S****")
        #expect(Masking.dateOfBirth("1990-04-21") == "1990-04-**")
        #expect(Masking.documentNumber("AB123456") == "AB****56")
    }
}

struct UserStatusRulesTests {
    let rules = UserStatusRules(activationRequirements: ["email:verified"])
    let levels = [Level(id: 1, key: "email", value: "verified"), Level(id: 2, key: "phone", value: "verified"),
                  Level(id: 3, key: "document", value: "verified")]

    func label(_ key: String, _ value: String = "verified", scope: String = "private") -> Label {
        Label(key: key, value: value, scope: scope, createdAt: 0, updatedAt: 0)
    }

    @Test func emailVerifiedActivates() {
        #expect(rules.state(for: []) == .pending)
        #expect(rules.state(for: [label("email")]) == .active)
    }

    @Test func triggersOverrideAndLaterOnesWin() {
        #expect(rules.state(for: [label("email"), label("ban", "x")]) == .banned)
        #expect(rules.state(for: [label("ban", "x"), label("lock", "x")]) == .locked)
    }

    @Test func anOperatorsHoldBeatsActivationAndTriggersBeatTheHold() {
        #expect(rules.state(for: [label("email")], held: .banned) == .banned, "confirming an email lifts no ban")
        #expect(rules.state(for: [label("email"), label("phone")], held: .deleted) == .deleted)
        #expect(rules.state(for: [label("email"), label("lock", "x")], held: .banned) == .locked, "a trigger label wins")
        #expect(rules.level(for: [label("email"), label("phone")], levels: levels) == 2, "levels still follow the labels")
        #expect(UserStatusRules.operatorStates == [.banned, .locked, .deleted])
    }

    @Test func publicLabelsNeverCount() {
        #expect(rules.state(for: [label("email"), label("ban", "x", scope: "public")]) == .active)
        #expect(rules.level(for: [label("email", scope: "public")], levels: levels) == 0)
    }

    @Test func levelStopsAtTheFirstHole() {
        #expect(rules.level(for: [label("email"), label("document")], levels: levels) == 1)
        #expect(rules.level(for: [label("email"), label("phone"), label("document")], levels: levels) == 3)
    }
}

struct IPNetworkTests {
    @Test func sessionBindingUsesSlash16AndSlash96() {
        #expect(IPNetwork.sameSessionNetwork("10.1.2.3", "10.1.200.9"))
        #expect(!IPNetwork.sameSessionNetwork("10.1.2.3", "10.2.2.3"))
        #expect(IPNetwork.sameSessionNetwork("2001:db8::1", "2001:db8::ffff:1"))
        #expect(!IPNetwork.sameSessionNetwork("2001:db8::1", "2001:db9::1"))
    }

    @Test func cidrContainment() {
        #expect(IPNetwork.contains(cidr: "192.168.0.0/16", address: "192.168.44.1"))
        #expect(!IPNetwork.contains(cidr: "192.168.0.0/16", address: "192.169.0.1"))
        #expect(IPNetwork.contains(cidr: "10.0.0.7", address: "10.0.0.7"))
        #expect(!IPNetwork.contains(cidr: "not-an-ip/8", address: "10.0.0.7"))
    }
}

struct ConstantTimeTests {
    @Test func equalityIsExact() {
        #expect(constantTimeEquals("abc", "abc"))
        #expect(!constantTimeEquals("abc", "abd"))
        #expect(!constantTimeEquals("abc", "abcd"))
        #expect(!constantTimeEquals("", "a"))
    }
}

struct TimestampTests {
    @Test(arguments: [(Int64(0), "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"),
                      (1_622_541_600, "2021-06-01T10:00:00Z"), (4_102_444_799, "2099-12-31T23:59:59Z"),
                      (-1, "1969-12-31T23:59:59Z")])
    func iso8601(_ seconds: Int64, _ expected: String) {
        #expect(Timestamp.iso8601(seconds) == expected)
    }

    @Test func agreesWithFoundationOverAYearOfHours() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        for hour in stride(from: Int64(1_700_000_000), to: 1_700_000_000 + 366 * 86_400, by: 3_607) {
            #expect(Timestamp.iso8601(hour) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(hour))))
        }
    }
}

struct HexTests {
    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect([0x00, 0x0f, 0xa0, 0xff].hexString == "000fa0ff")
        #expect(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

struct AccessRulesTests {
    @Test func barongsRulesFileParses() throws {
        let rules = try AccessRules.parseYAML("""
            rules:
              pass:
                - api/v2/barong/public   # comment
                - "api/v2/peatio/public"
              block:
                - api/v2/barong/management
            """)
        #expect(rules.pass == ["api/v2/barong/public", "api/v2/peatio/public"])
        #expect(rules.block == ["api/v2/barong/management"])
        #expect(rules.passes("api/v2/barong/publicity"), "plain string prefixes")
        #expect(throws: ConfigError.self) { try AccessRules.parseYAML("rules:\n  allow:\n    - x\n") }
    }

    @Test func permissionDecisions() {
        let rows = [
            Permission(role: "member", verb: "ALL", path: "api/v2/", action: "ACCEPT", topic: nil),
            Permission(role: "member", verb: "ALL", path: "api/v2/admin", action: "DROP", topic: nil),
            Permission(role: "admin", verb: "ALL", path: "api/v2/", action: "ACCEPT", topic: nil),
            Permission(role: "admin", verb: "POST", path: "api/v2/admin", action: "AUDIT", topic: nil),
            Permission(role: "auditor", verb: "GET", path: "api/v2/x", action: "AUDIT", topic: "books"),
        ]
        #expect(PermissionRules.decide(rows, role: "member", method: "GET", path: "api/v2/peatio/orders").allowed)
        #expect(!PermissionRules.decide(rows, role: "member", method: "GET", path: "api/v2/admin/users").allowed)
        #expect(!PermissionRules.decide(rows, role: "ghost", method: "GET", path: "api/v2/peatio").allowed)
        let audited = PermissionRules.decide(rows, role: "admin", method: "POST", path: "api/v2/admin/users/1")
        #expect(audited.allowed && audited.auditTopic == "users")
        #expect(PermissionRules.decide(rows, role: "admin", method: "GET", path: "api/v2/admin/users").auditTopic == nil)
        let auditOnly = PermissionRules.decide(rows, role: "auditor", method: "GET", path: "api/v2/x")
        #expect(!auditOnly.allowed && auditOnly.auditTopic == "books", "AUDIT without ACCEPT is refused")
    }
}

struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (last 6 digits).
    @Test(arguments: [(Int64(59), "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")])
    func rfc6238Vectors(_ time: Int64, _ code: String) {
        #expect(TOTP(secret: Array("12345678901234567890".utf8)).code(step: time / 30) == code)
    }

    @Test func windowAndReplay() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now: Int64 = 1_234_567_890
        let step = now / 30
        #expect(totp.matchingStep(for: totp.code(step: step - 1), now: now, lastUsedStep: 0) == step - 1)
        #expect(totp.matchingStep(for: totp.code(step: step + 2), now: now, lastUsedStep: 0) == nil)
        #expect(totp.matchingStep(for: totp.code(step: step), now: now, lastUsedStep: step) == nil, "a used step never matches again")
        #expect(totp.matchingStep(for: "12345", now: now, lastUsedStep: 0) == nil)
        #expect(totp.matchingStep(for: "abcdef", now: now, lastUsedStep: 0) == nil)
    }

    @Test func base32RoundTrip() throws {
        let bytes = SecureRandom.bytes(20)
        #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func secretBoxSealsAndDetectsTampering() throws {
        let box = try SecretBox(key: SecureRandom.bytes(32))
        let sealed = try box.seal("seed")
        let opened = try box.open(sealed)
        let again = try box.seal("seed")
        #expect(sealed != "seed" && opened == "seed")
        #expect(again != sealed, "a fresh nonce each time")
        var bytes = Array(Data(base64Encoded: sealed) ?? Data())
        bytes[bytes.count - 1] ^= 1
        #expect(throws: (any Error).self) { try box.open(Data(bytes).base64EncodedString()) }
    }
}
