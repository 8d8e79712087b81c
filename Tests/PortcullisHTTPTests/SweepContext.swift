/// What `ConsoleRenderSweepTests` renders a template with, built from its
/// `MustacheOutline`: every section present (inverted ones too, so they stay
/// hidden), every shown name a plain value, and the fields to attack one at
/// a time. Each name lives in the dictionary of the innermost section it
/// appears in, so mustache finds it there first and one field changes only
/// the places that read that very value.
struct SweepContext {
    /// One shown value: where it sits in the context, and what must be false for it to show.
    struct Field {
        /// Dictionary keys from the root context down to the value.
        var path: [String]
        /// `{{.}}` in a section: the value is the section's one-element list.
        var inList = false
        /// Inverted sections (`{{^x}}`) around the field, made false when it is swept.
        var falsy: [[String]] = []

        var label: String {
            path.joined(separator: ".") + (inList ? "[0]" : "")
                + falsy.map { " with ^" + $0.joined(separator: ".") }.joined()
        }
    }

    struct Conflict: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var base: [String: Any] = [:]
    private(set) var fields: [Field] = []
    /// Names shown unescaped (`{{{name}}}`), never swept; the test checks each is known to be trusted.
    private(set) var raw: [String] = []
    private let plain: String

    init(_ outline: MustacheOutline, plain: String) throws {
        self.plain = plain
        try walk(outline.nodes, scope: [], falsy: [], dot: nil)
    }

    /// The base context with `field` set to `value`, and the sections that hide it made false.
    func context(_ field: Field, _ value: String) -> [String: Any] {
        var context = base
        for path in field.falsy { try? Self.update(&context, path[...]) { $0 = false } }
        try? Self.update(&context, field.path[...]) { $0 = field.inList ? [value] : value }
        return context
    }

    private mutating func walk(_ nodes: [MustacheOutline.Node], scope: [String], falsy: [[String]], dot: [String]?) throws {
        for node in nodes {
            switch node {
            case .value(".", let escaped):
                guard let dot else { throw Conflict(description: "{{.}} outside a section that holds a value") }
                add(Field(path: dot, inList: true, falsy: falsy), name: ".", escaped: escaped)
            case .value(let name, let escaped):
                let path = scope + name.split(separator: ".").map(String.init)
                try set(path, plain)
                add(Field(path: path, falsy: falsy), name: name, escaped: escaped)
            case .section(let name, true, let body):
                let path = scope + name.split(separator: ".").map(String.init)
                try set(path, true)
                try walk(body, scope: scope, falsy: falsy + [path], dot: dot)
            case .section(let name, false, let body):
                let path = scope + name.split(separator: ".").map(String.init)
                let showsItself = body.contains { if case .value(name, _) = $0 { true } else { false } }
                if body.contains(where: { if case .value(".", _) = $0 { true } else { false } }) {
                    // `{{#keys}}<code>{{.}}</code>{{/keys}}`: a list of text.
                    try set(path, [plain])
                    try walk(body, scope: scope, falsy: falsy, dot: path)
                } else if showsItself {
                    // `{{#prev}}<a href="{{prev}}">{{/prev}}`: text that is also the condition; inner names resolve around it.
                    try set(path, plain)
                    try walk(body, scope: scope, falsy: falsy, dot: nil)
                } else {
                    try set(path, true)  // becomes a dictionary once a name inside needs one
                    try walk(body, scope: path, falsy: falsy, dot: nil)
                }
            }
        }
    }

    private mutating func add(_ field: Field, name: String, escaped: Bool) {
        guard escaped else { return raw.append(name) }
        if !fields.contains(where: { $0.label == field.label }) { fields.append(field) }
    }

    /// Fills an empty or merely-true slot; a slot already holding something of another kind is a conflict.
    private mutating func set(_ path: [String], _ value: Any) throws {
        let label = path.joined(separator: ".")
        try Self.update(&base, path[...]) { slot in
            switch (slot, value) {
            case (nil, _), (is Bool, _): slot = value
            case (_, is Bool), (is String, is String), (is [String], is [String]): break  // already there
            default: throw Conflict(description: "\(label) is used both as a value and as a section")
            }
        }
    }

    /// Changes the slot at `path`, making dictionaries on the way (a `true` section becomes one).
    private static func update(_ dict: inout [String: Any], _ path: ArraySlice<String>,
                               _ change: (inout Any?) throws -> Void) throws {
        guard let key = path.first else { return }
        guard path.count > 1 else { return try change(&dict[key]) }
        var child: [String: Any]
        switch dict[key] {
        case nil, is Bool: child = [:]
        case let existing as [String: Any]: child = existing
        default: throw Conflict(description: "\(key) holds a value but \(path.joined(separator: ".")) needs a section")
        }
        try update(&child, path.dropFirst(), change)
        dict[key] = child
    }
}
