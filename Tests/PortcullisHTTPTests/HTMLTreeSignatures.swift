import Foundation

/// Element-tree signatures from a real HTML5 parser: html5lib, through
/// `Fixtures/html_tree.py`, one python3 process for a whole batch.
enum HTMLTreeSignatures {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Found beside this file, not as a bundle resource: the test target declares none.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/html_tree.py")

    /// One signature per document, in order.
    static func of(_ documents: [String], timeout: TimeInterval = 600) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("html-tree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files, not pipes: the batch is megabytes each way, and a python3 that
        // dies early must not leave this process blocked on a full pipe.
        let input = directory.appendingPathComponent("documents.json")
        let output = directory.appendingPathComponent("signatures.json")
        let errors = directory.appendingPathComponent("stderr.txt")
        try JSONEncoder().encode(documents).write(to: input)
        for file in [output, errors] { try Data().write(to: file) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        do { try process.run() } catch {
            throw Unavailable(description: "cannot run /usr/bin/env python3 (\(error)); the render sweep needs python3 with html5lib")
        }
        // A parser that hangs fails the test instead of holding `swift test` (and SwiftPM's build lock) forever.
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Unavailable(description: "python3 \(script.lastPathComponent) gave no answer in \(Int(timeout)) s")
        }
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "python3 \(script.lastPathComponent) exited \(process.terminationStatus): \(stderr)"
                + " (python3 and html5lib are needed: `make test` installs html5lib)")
        }
        let signatures = try JSONDecoder().decode([String].self, from: Data(contentsOf: output))
        guard signatures.count == documents.count else {
            throw Unavailable(description: "\(signatures.count) signatures for \(documents.count) documents: \(stderr)")
        }
        return signatures
    }
}
