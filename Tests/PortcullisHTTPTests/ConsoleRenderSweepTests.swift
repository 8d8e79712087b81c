import Foundation
import Mustache
import Testing
import PortcullisCore
@testable import PortcullisHTTP

/// Every value a console page (or an OpenID Connect page: consent, refusals)
/// shows, set to text that tries to become markup,
/// leaves the page's element tree as a plain value does. The fields
/// come from the templates' own tags (`MustacheOutline`), so a template or a
/// field added later is swept by construction; the trees come from html5lib,
/// the HTML5 parsing algorithm a browser runs.
struct ConsoleRenderSweepTests {
    /// Shown unescaped on purpose, each for a reason; a new `{{{name}}}` fails the sweep until it is added here.
    static let trustedRaw: Set<String> = [
        "layout.body",  // the page itself, rendered (and escaped) by its own template
        "oidc/layout.body",  // the same, around the OpenID Connect pages
        "dashboard.hoursChart", "dashboard.daysChart",  // ConsoleChart's SVG, made of counts (ConsolePiecesTests)
    ]

    /// A prepend mark (U+0600, U+0D4E) before, or a combining mark (U+0301,
    /// U+20DD) after, a special character makes one `Character` with it, which
    /// an escaper comparing `Character`s writes raw.
    static let hostile: [String] = {
        let payloads: [(String, String)] = [
            ("<", "b x=1>"), (">", "<i>"), ("\"", " onmouseover=alert(1) x=\""), ("'", " onmouseover=alert(1) x='"), ("&", "lt;b&gt;"),
        ]
        var corpus: [String] = []
        for (special, tail) in payloads {
            for mark in ["\u{0600}", "\u{0D4E}"] { corpus.append(mark + special + tail) }
            for mark in ["\u{0301}", "\u{20DD}"] { corpus.append(special + mark + tail) }
        }
        return corpus + [
            "\u{0600}<b x=\u{0301}", "\u{0600}\"\u{0301} onmouseover=alert(1) x=\u{0600}'",  // and ">\u{0301}<i>" above
            "\u{0D4E}<textarea \u{0D4E}>", "\u{0600}<form action=/admin/users/x/role method=post>\u{0301}",
            "\u{202E}<b>\u{202C}", "\u{2066}\"\u{2069} x=", "\u{202E}\u{0600}<i>",  // bidi overrides
            "\u{0}", "a\u{0}<b>\u{0}", "\u{1}\u{7}\u{8}\u{B}\u{C}\u{1B}[31m\u{7F}\u{0600}<u>",  // NUL and other controls
            "a\r\nb", "\r\n<b>\r\n\"", "a\rb\nc\u{0600}\r",
            "</textarea>", "</script>", "<!--", "]]>", "--><b>",
            "\u{0600}</textarea><b>", "\u{0600}</script><b>", "\u{0600}<!--", "\u{0600}]]>", "--\u{0600}><b>",
            "javascript:alert(1)",
            String(repeating: "0123456789\u{0D4E}<b x=\u{0301}\"\u{0600}'&", count: 512),  // 10 KB
        ]
    }()

    static let plain = "plain"
    /// The swept field's plain value, which must show in the page (else the sweep's context misses it).
    static let shown = "sweptvalue"

    @Test func noShownValueChangesAnyPagesElementTree() throws {
        let families: [(prefix: String, library: MustacheLibrary, templates: [(String, [UInt8])])] = [
            ("", try ConsoleRenderer(appName: "Portcullis").library, ConsoleRenderer.templates),
            ("oidc/", try OIDCPages(appName: "Portcullis", assets: "/oidc/assets").library, OIDCPages.templates),
        ]
        var batch = DocumentBatch()
        var checks: [(what: String, plain: Int, hostile: Int)] = []
        for family in families {
            checks += try Self.sweep(family.library, family.templates, prefix: family.prefix, into: &batch)
        }

        let trees = try HTMLTreeSignatures.of(batch.documents)
        // By bytes: `String ==` would call canonically equivalent signatures equal.
        let changed = checks.filter { !trees[$0.plain].utf8.elementsEqual(trees[$0.hostile].utf8) }
        for check in changed.prefix(40) {
            Issue.record("\(check.what) changes the element tree: \(Self.difference(trees[check.plain], trees[check.hostile]))")
        }
        if !changed.isEmpty { Issue.record("\(changed.count) of \(checks.count) hostile renders change the element tree") }
    }

    /// One family of templates (each page alone, and inside its `layout`): the checks to compare once parsed.
    static func sweep(_ library: MustacheLibrary, _ templates: [(String, [UInt8])], prefix: String,
                      into batch: inout DocumentBatch) throws -> [(what: String, plain: Int, hostile: Int)] {
        let sources = Dictionary(uniqueKeysWithValues: templates.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) })
        func sweep(_ name: String) throws -> SweepContext {
            try SweepContext(MustacheOutline(sources[name] ?? "", partials: { sources[$0] }), plain: Self.plain)
        }
        let layout = try sweep("layout")
        var checks: [(what: String, plain: Int, hostile: Int)] = []
        for (name, _) in templates {
            let context = try sweep(name)
            let label = prefix + name
            for raw in context.raw where !Self.trustedRaw.contains("\(label).\(raw)") {
                Issue.record("\(label) shows {{{\(raw)}}} unescaped: escape it, or add it to trustedRaw with the reason")
            }
            #expect(!context.fields.isEmpty, "\(label): no field found")
            for field in context.fields {
                // The page alone, and inside the layout as its renderer sends it.
                func pages(_ value: String) -> [String] {
                    let page = library.render(context.context(field, value), withTemplate: name) ?? ""
                    guard name != "layout" else { return [page] }
                    var chrome = layout.base
                    chrome["body"] = page
                    return [page, library.render(chrome, withTemplate: "layout") ?? ""]
                }
                let plainPages = pages(Self.shown)
                #expect(plainPages[0].contains(Self.shown), "\(label): \(field.label) does not show in the sweep's context")
                for (index, value) in Self.hostile.enumerated() {
                    for (place, (hostile, plain)) in zip(["", " in the layout"], zip(pages(value), plainPages)) {
                        checks.append(("\(label): \(field.label) = hostile[\(index)]\(place)", batch.add(plain), batch.add(hostile)))
                    }
                }
            }
        }
        return checks
    }

    /// Where two signatures part, with a little of each.
    static func difference(_ plain: String, _ hostile: String) -> String {
        let common = zip(plain, hostile).prefix { $0 == $1 }.count
        let from = max(0, common - 40)
        func excerpt(_ s: String) -> String { String(s.dropFirst(from).prefix(120)) }
        return "plain …\(excerpt(plain))… vs hostile …\(excerpt(hostile))…"
    }

    @Test func escapingLooksAtEachScalar() {
        let escaped = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&#39;"]
        for (special, entity) in escaped {
            #expect(scalars(HTMLText.escape(special)) == scalars(entity))
            for prepend in ["\u{0600}", "\u{0D4E}"] {
                #expect(scalars(HTMLText.escape(prepend + special + "b")) == scalars(prepend + entity + "b"), "\(entity)")
            }
            for combining in ["\u{0301}", "\u{20DD}"] {
                #expect(scalars(HTMLText.escape("a" + special + combining)) == scalars("a" + entity + combining), "\(entity)")
            }
        }
        #expect(scalars(HTMLText.escape("a\u{0}b\u{0}")) == scalars("a\u{FFFD}b\u{FFFD}"))
        for text in ["plain", "Ünïcödé e\u{0301}", "മലയാളം \u{0D4E}ക", "日本語", "\u{0600}١٢", "a\r\nb\t\u{202E}"] {
            #expect(scalars(HTMLText.escape(text)) == scalars(text), "\(text)")
        }
    }

    /// Compared by scalar: `String ==` treats canonically equivalent texts as equal.
    private func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }
}

/// The documents to parse, each once: plain renders repeat across the corpus.
/// Keyed by bytes: `String` equality would merge `">\u{0338}"` with `"≯"`, canonically equal but parsed apart.
struct DocumentBatch {
    private(set) var documents: [String] = []
    private var index: [Data: Int] = [:]

    mutating func add(_ document: String) -> Int {
        if let known = index[Data(document.utf8)] { return known }
        documents.append(document)
        index[Data(document.utf8)] = documents.count - 1
        return documents.count - 1
    }
}
