import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

/// The console's small parts that read hostile input or write into pages and files.
struct ConsolePiecesTests {
    @Test func datesAreCivilDaysAndAnythingElseIsAbsent() {
        let form = ConsoleForm(params: Params([
            "a": .string("2026-11-29"), "b": .string("1970-01-01"), "c": .string("2026-13-01"), "d": .string("99999999999999"),
            "e": .string("2026-1-01"), "f": .object([:]),
        ]))
        #expect(form.day("a") == 1_795_910_400 && form.day("a", endOfDay: true) == 1_795_910_400 + 86_399)
        #expect(form.day("b") == 0)
        #expect(form.day("c") == nil && form.day("d") == nil && form.day("e") == nil && form.day("f") == nil && form.day("g") == nil)
        #expect(Timestamp.iso8601(form.day("a") ?? 0) == "2026-11-29T00:00:00Z")
    }

    @Test func numbersOutsideTheirRangeAreAbsentNeverATrap() {
        let form = ConsoleForm(params: Params([
            "page": .string("99999999999999999999999"), "limit": .string("-5"), "level": .string(" 3 "),
        ]))
        #expect(form.int("page", in: 1...PageRequest.maxPage) == nil)
        #expect(form.int("limit", in: 1...100) == nil)
        #expect(form.int("level", in: 0...1_000) == 3)
    }

    @Test func csvFieldsAreQuotedAndFormulasDefused() {
        #expect(ConsoleActivityController.csvField("plain") == "plain")
        #expect(ConsoleActivityController.csvField("a,b") == "\"a,b\"")
        #expect(ConsoleActivityController.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ConsoleActivityController.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(ConsoleActivityController.csvField("+1") == "'+1" && ConsoleActivityController.csvField("@sum") == "'@sum")
    }

    @Test func onlyConsolePathsAreRedirectTargets() {
        #expect(ConsoleKit.localPath("/admin/users/ID1") == "/admin/users/ID1")
        for hostile in ["https://evil.example/", "//evil.example/admin/", "/admin//evil", "/admin/\\evil", "/admin/x\r\nSet-Cookie: a=b",
                        "/api/v2/auth/admin/users", "", nil] {
            #expect(ConsoleKit.localPath(hostile) == nil, "\(String(describing: hostile))")
        }
    }

    @Test func flashMessagesSurviveTheirCookie() {
        let flash = ConsoleFlash(.error, "No; \"such\" user=é (admin.user.doesnt_exist)")
        #expect(!flash.cookieValue.contains(";") && !flash.cookieValue.contains(" "))
        #expect(ConsoleFlash(cookie: flash.cookieValue) == flash)
        #expect(ConsoleFlash(cookie: "other:text") == nil && ConsoleFlash(cookie: nil) == nil)
    }

    @Test func chartsDrawThreeBarsPerBucketAndNoScript() {
        var buckets = (0..<7).map { ConsoleDashboard.Bucket(start: Int64($0) * 86_400) }
        buckets[3].signups = 4
        buckets[3].failedLogins = 2
        let svg = ConsoleChart.svg(buckets, label: { String($0) }, title: "t")
        #expect(svg.components(separatedBy: "<rect").count - 1 == 21)
        #expect(svg.contains("259200 Sign-ups: 4") && svg.contains("259200 Failed sign-ins: 2"))
        #expect(!svg.contains("<script") && !svg.contains("style="))
    }
}
