import Testing
@testable import PortcullisCore

struct GatewayPathTests {
    @Test(arguments: [
        ("api/v2/peatio/account", "api/v2/peatio/account"),
        ("api/v2//peatio///account", "api/v2/peatio/account"),
        ("/api/v2/peatio/account/", "api/v2/peatio/account/"),
        ("api/v2/./peatio/x/../account", "api/v2/peatio/account"),
        ("api/v2/peatio/%61ccount", "api/v2/peatio/account"),
        ("api/v2/peatio/%2E%2e/barong/x", "api/v2/barong/x"),
        ("api/v2/peatio/a%20b", "api/v2/peatio/a%20b"),
        ("api/v2/peatio/.well-known", "api/v2/peatio/.well-known"),
        ("", ""),
    ])
    func oneSpellingPerPath(raw: String, normalized: String) {
        #expect(GatewayPath.normalize(raw) == normalized)
    }

    @Test(arguments: ["api/v2/barong%2Fmanagement", "api/v2/barong%2fmanagement", "api%5Cv2", "api\\v2", "api/%00x",
                      "api/v2/%zz", "api/v2/%4", "..", "api/../../x", "api/\u{7}x",
                      // What some upstreams read otherwise — path parameters, double encoding, non-ASCII.
                      "api/v2/barong/public/..;/management", "api/v2/peatio;x/admin", "api/v2/peatio%3Bx/admin",
                      "api/v2/peatio/%252e%252e/admin", "api/v2/peatio/adm%C4%B1n", "api/v2/peatio/admın",
                      "api/v2/peatio/%EF%BD%81dmin", "api/v2/peatio/%c0%aeadmin", "api/v2/peatio/\u{7f}"])
    func unreadableOrEscapingPathsAreRefused(raw: String) {
        #expect(GatewayPath.normalize(raw) == nil)
    }

    @Test func plainPathsTakeTheFastPath() {
        #expect(GatewayPath.isPlain("api/v2/peatio/account/balances"))
        #expect(!GatewayPath.isPlain("api/v2//x") && !GatewayPath.isPlain("api/./x") && !GatewayPath.isPlain("/api"))
        #expect(!GatewayPath.isPlain("api/%61") && !GatewayPath.isPlain(".hidden"))
        #expect(!GatewayPath.isPlain("api;x") && !GatewayPath.isPlain("é"))
    }
}
