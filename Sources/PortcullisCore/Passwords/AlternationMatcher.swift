/// Literal alternation with Ruby regex semantics: at each position from the
/// left, the first pattern in list order that matches wins.
struct AlternationMatcher: Sendable {
    /// Patterns grouped by first character, each keeping its list position.
    private let byFirst: [Unicode.Scalar: [(order: Int, chars: [Unicode.Scalar])]]

    init(_ patterns: [[Unicode.Scalar]]) {
        var groups: [Unicode.Scalar: [(order: Int, chars: [Unicode.Scalar])]] = [:]
        for (order, pattern) in patterns.enumerated() {
            guard let first = pattern.first else { continue }
            groups[first, default: []].append((order, pattern))
        }
        byFirst = groups
    }

    func replace(in chars: [Unicode.Scalar], all: Bool) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        var index = 0
        var replaced = false
        while index < chars.count {
            if !(replaced && !all), let length = matchLength(in: chars, at: index) {
                output.append("*")
                index += length
                replaced = true
            } else {
                output.append(chars[index])
                index += 1
            }
        }
        return output
    }

    private func matchLength(in chars: [Unicode.Scalar], at start: Int) -> Int? {
        guard let candidates = byFirst[chars[start]] else { return nil }
        for candidate in candidates {
            let end = start + candidate.chars.count
            if end <= chars.count, chars[start..<end].elementsEqual(candidate.chars) {
                return candidate.chars.count
            }
        }
        return nil
    }
}
