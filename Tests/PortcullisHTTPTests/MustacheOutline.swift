import Foundation

/// A mustache template read only for what it shows: each `{{name}}` and the
/// sections around it. `ConsoleRenderSweepTests` fills and attacks these
/// names, so a template or a field added later is swept without anyone
/// listing it.
struct MustacheOutline {
    indirect enum Node {
        /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (raw).
        case value(String, escaped: Bool)
        case section(String, inverted: Bool, [Node])
    }

    /// A tag the sweep cannot follow; better to fail than to sweep part of a page.
    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    let nodes: [Node]

    /// `partials` gives a partial's source by name; it is read in place, as mustache renders it.
    init(_ source: String, partials: (String) -> String?) throws {
        nodes = try Self.parse(source, partials: partials, depth: 0)
    }

    private static func parse(_ source: String, partials: (String) -> String?, depth: Int) throws -> [Node] {
        guard depth < 8 else { throw Unsupported(description: "partials nested deeper than 8 (recursive?)") }
        // Open sections and `{{$block}}`s; a block's default content renders in place, so it is spliced into its parent.
        var open: [(name: String, inverted: Bool?, nodes: [Node])] = [("", false, [])]
        var rest = Substring(source)
        while let start = rest.range(of: "{{") {
            rest = rest[start.upperBound...]
            let triple = rest.hasPrefix("{")
            guard let end = rest.range(of: triple ? "}}}" : "}}") else { throw Unsupported(description: "unclosed tag") }
            var tag = rest[..<end.lowerBound]
            rest = rest[end.upperBound...]
            if triple { tag = "&" + tag.dropFirst() }
            let sigil = tag.first ?? " "
            let name = Self.name(in: "#^/&>$!%=<".contains(sigil) ? tag.dropFirst() : tag)
            switch sigil {
            case "!", "%": continue  // comments, and pragmas such as CONTENT_TYPE
            case "#", "^": open.append((name, sigil == "^", []))
            case "$": open.append((name, nil, []))
            case "/":
                let closed = open.removeLast()
                guard closed.name == name, !open.isEmpty else { throw Unsupported(description: "{{/\(name)}} closes {{\(closed.name)}}") }
                if let inverted = closed.inverted {
                    open[open.count - 1].nodes.append(.section(name, inverted: inverted, closed.nodes))
                } else {
                    open[open.count - 1].nodes += closed.nodes
                }
            case ">":
                guard let partial = partials(name) else { throw Unsupported(description: "partial \(name) is no template") }
                open[open.count - 1].nodes += try parse(partial, partials: partials, depth: depth + 1)
            case "&": open[open.count - 1].nodes.append(.value(name, escaped: false))
            case "=", "<": throw Unsupported(description: "{{\(tag)}}: teach MustacheOutline set-delimiter and parent tags")
            default: open[open.count - 1].nodes.append(.value(name, escaped: true))
            }
        }
        guard open.count == 1 else { throw Unsupported(description: "{{#\(open[open.count - 1].name)}} is never closed") }
        return open[0].nodes
    }

    /// The looked-up name; a transform (`uppercased(name)`) shows the value of its argument.
    private static func name(in tag: Substring) -> String {
        var name = tag.trimmingCharacters(in: .whitespaces)
        if let open = name.lastIndex(of: "("), let close = name[open...].firstIndex(of: ")") {
            name = String(name[name.index(after: open)..<close])
        }
        return name
    }
}
