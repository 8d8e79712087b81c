/// Splits a migration file into statements at `;`, skipping `--` comments
/// and never splitting inside a quoted string.
enum SQLStatementSplitter {
    static func split(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var chars = Array(sql)[...]
        while let char = chars.popFirst() {
            if let open = quote {
                current.append(char)
                if char == open { quote = nil }
            } else if char == "-" && chars.first == "-" {
                while let next = chars.popFirst(), next != "\n" {}
                current.append("\n")
            } else if char == ";" {
                statements.append(current)
                current = ""
            } else {
                if char == "'" || char == "\"" { quote = char }
                current.append(char)
            }
        }
        statements.append(current)
        return statements
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }
}

import Foundation
