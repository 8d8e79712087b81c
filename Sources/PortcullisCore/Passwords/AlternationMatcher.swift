/// Literal alternation with Ruby regex semantics: at each position from the
/// left, the first pattern in list order that matches wins. A trie keeps a
/// scan linear in the password length (no regex backtracking).
struct AlternationMatcher: Sendable {
    private struct Node: Sendable {
        var children: [UInt32: Int] = [:]
        /// List position of the pattern ending here (the earliest, if repeated).
        var order: Int?
    }

    private var nodes = [Node()]

    init(_ patterns: [[Unicode.Scalar]]) {
        for (order, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var current = 0
            for char in pattern {
                if let next = nodes[current].children[char.value] {
                    current = next
                } else {
                    nodes.append(Node())
                    nodes[current].children[char.value] = nodes.count - 1
                    current = nodes.count - 1
                }
            }
            if nodes[current].order == nil { nodes[current].order = order }
        }
    }

    /// Replaces the leftmost match (every match when `all`) with `*`.
    func replace(in chars: [Unicode.Scalar], all: Bool) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        var index = 0
        var replaced = false
        while index < chars.count {
            if all || !replaced, let length = matchLength(in: chars, at: index) {
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

    /// The length of the earliest-listed pattern matching at `start`.
    private func matchLength(in chars: [Unicode.Scalar], at start: Int) -> Int? {
        var current = 0
        var best: (order: Int, length: Int)?
        var index = start
        while index < chars.count, let next = nodes[current].children[chars[index].value] {
            current = next
            index += 1
            if let order = nodes[current].order, order < (best?.order ?? Int.max) {
                best = (order, index - start)
            }
        }
        return best?.length
    }
}
