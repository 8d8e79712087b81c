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

    /// A line break or a `,`/`"` joined to a mark is one `Character`, equal to
    /// none of them: the field must still be quoted, and a formula still defused.
    @Test func csvFieldsAreQuotedByScalarNotByCharacter() {
        let quoted: [(String, String)] = [
            ("a\r\nb", "\"a\r\nb\""), ("a\rb", "\"a\rb\""), ("a\nb", "\"a\nb\""),
            ("x\u{0301},y", "\"x\u{0301},y\""), ("\u{0301}\"q", "\"\u{0301}\"\"q\""),
            ("x,\u{0301}y", "\"x,\u{0301}y\""), ("\"\u{0301}q", "\"\"\"\u{0301}q\""), ("\u{0600},", "\"\u{0600},\""),
            ("\u{0600}\"", "\"\u{0600}\"\"\""), ("a\r\n\u{0301}", "\"a\r\n\u{0301}\""),
        ]
        for (value, expected) in quoted {
            #expect(scalars(ConsoleActivityController.csvField(value)) == scalars(expected), "\(value.debugDescription)")
        }
        // A formula start the first Character hides: `=` with a mark, or the `\r` of `\r\n`.
        let defused: [(String, String)] = [
            ("=\u{0301}SUM(A1)", "'=\u{0301}SUM(A1)"), ("+\u{20DD}1", "'+\u{20DD}1"), ("@\u{0301}x", "'@\u{0301}x"),
            ("-\u{0301}1", "'-\u{0301}1"), ("\r\n=1", "\"'\r\n=1\""), ("\r", "\"'\r\""), ("\n", "\"'\n\""),
        ]
        for (value, expected) in defused {
            #expect(scalars(ConsoleActivityController.csvField(value)) == scalars(expected), "\(value.debugDescription)")
        }
        #expect(ConsoleActivityController.csvField("x\u{0301}") == "x\u{0301}" && ConsoleActivityController.csvField("é") == "é")
    }

    /// Compared by scalar: `String ==` treats canonically equivalent texts as equal.
    private func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    @Test func onlyConsolePathsAreRedirectTargets() {
        #expect(ConsoleKit.localPath("/admin/users/ID1") == "/admin/users/ID1")
        #expect(ConsoleKit.localPath("/admin/users?email=a..b") == "/admin/users?email=a..b")
        for hostile in ["https://evil.example/", "//evil.example/admin/", "/admin//evil", "/admin/\\evil", "/admin/x\r\nSet-Cookie: a=b",
                        "/api/v2/auth/admin/users", "/admin/../evil", "/admin/%2E%2e/evil", "/admin/./x/../../evil", "/admin/..", "/admin/..%2fevil",
                        "/admin/..%5Cevil", "", nil] {
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
