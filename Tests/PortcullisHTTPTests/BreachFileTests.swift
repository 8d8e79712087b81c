import Crypto
import Foundation
import Testing
import PortcullisIntegrations

/// The breach list searched in place: a generated sorted file of
/// 1,000,000 hashes, its first, last, missing and between-lines lookups.
struct BreachFileTests {
    @Test func aMillionSortedHashesAreFoundInPlace() throws {
        var hashes = (0..<1_000_000).map { index -> [UInt8] in Array(Insecure.SHA1.hash(data: Data("p\(index)".utf8))) }
        hashes.sort { $0.lexicographicallyPrecedes($1) }
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * 50)
        for (index, digest) in hashes.enumerated() {
            for byte in digest { bytes.append(digits[Int(byte >> 4)]); bytes.append(digits[Int(byte & 0x0f)]) }
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: Array(String(index + 1).utf8))
            bytes.append(contentsOf: [13, 10])
        }
        let path = NSTemporaryDirectory() + "breach-\(UUID().uuidString).txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try BreachFile(path: path)
        #expect(file.count(sha1: hashes[0]) == 1, "the first line")
        #expect(file.count(sha1: hashes[hashes.count - 1]) == hashes.count, "the last line")
        #expect(file.count(sha1: hashes[500_000]) == 500_001)
        for probe in ["not in it", "p1000000", "p-1"] {
            #expect(file.count(sha1: Array(Insecure.SHA1.hash(data: Data(probe.utf8)))) == nil, "\(probe)")
        }
        // Between two lines: the first hash plus one, below the second.
        var between = hashes[0]
        between[19] &+= 1
        if between.lexicographicallyPrecedes(hashes[1]) { #expect(file.count(sha1: between) == nil) }
        #expect(file.count(sha1: [UInt8](repeating: 0, count: 20)) == nil, "below the first")
        #expect(file.count(sha1: [UInt8](repeating: 0xFF, count: 20)) == nil, "above the last")
        #expect(file.count(sha1: [1, 2, 3]) == nil, "not a SHA-1")
    }

    @Test func aMissingOrEmptyFileIsRefusedAtOpen() throws {
        #expect(throws: BreachFile.OpenFailure.self) { try BreachFile(path: "/nonexistent/breach.txt") }
        let empty = NSTemporaryDirectory() + "empty-\(UUID().uuidString).txt"
        FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: BreachFile.OpenFailure.self) { try BreachFile(path: empty) }
    }

    static func list(_ passwords: [String], count: Int = 3) -> Data {
        let lines = passwords.map { Insecure.SHA1.hash(data: Data($0.utf8)).map { String(format: "%02X", $0) }.joined() }.sorted()
        return Data(lines.map { "\($0):\(count)\r\n" }.joined().utf8)
    }

    static func sha1(_ text: String) -> [UInt8] { Array(Insecure.SHA1.hash(data: Data(text.utf8))) }

    @Test func aFileThatIsNotASortedListIsRefusedAtOpen() throws {
        let directory = NSTemporaryDirectory() + "breach-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sorted = String(decoding: Self.list((0..<300).map { "p\($0)" }), as: UTF8.self)
        let bad = [
            "lowercase": sorted.lowercased(),
            "unsorted": sorted.split(separator: "\r\n").reversed().joined(separator: "\r\n") + "\r\n",
            "garbage": String(repeating: "not a hash list at all\n", count: 200),
            "short hashes": String(repeating: "0123456789ABCDEF0123456789ABCDEF:1\n", count: 200),
        ]
        for (name, text) in bad {
            let path = directory + "/\(name).txt"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: BreachFile.OpenFailure.self, "\(name)") { try BreachFile(path: path) }
        }
        // A FIFO is refused at once (opening it must not wait for a writer), as a directory is.
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: BreachFile.OpenFailure.self) { try BreachFile(path: fifo) }
        #expect(throws: BreachFile.OpenFailure.self) { try BreachFile(path: directory) }
    }

    /// A list replaced by a rename is reopened; one cut short in place is
    /// never read again until it is whole (a page past its end would be a
    /// SIGBUS): the lookup is "no answer", and the process lives.
    @Test func aListReplacedOrRewrittenWhileServingIsNeverReadPastItsEnd() async throws {
        let directory = NSTemporaryDirectory() + "breach-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/list.txt"
        try Self.list((0..<5000).map { "p\($0)" } + ["first"]).write(to: URL(fileURLWithPath: path))
        let list = try BreachFileList(path: path, timeoutMilliseconds: 2000)
        #expect(try await list.count(sha1: Self.sha1("first")) == 3)

        // Replaced the safe way: written beside, renamed over.
        try Self.list((0..<5000).map { "p\($0)" } + ["second"], count: 7).write(to: URL(fileURLWithPath: path + ".new"))
        #expect(rename(path + ".new", path) == 0)
        #expect(try await list.count(sha1: Self.sha1("second")) == 7)
        #expect(try await list.count(sha1: Self.sha1("first")) == 0)

        // Written over in place and cut short: not read; then whole again: read.
        #expect(truncate(path, 0) == 0)
        await #expect(throws: (any Error).self) { try await list.count(sha1: Self.sha1("second")) }
        #expect(truncate(path, 100) == 0)  // a zero-filled remainder past a cut line: refused, not read
        await #expect(throws: (any Error).self) { try await list.count(sha1: Self.sha1("second")) }
        let whole = Self.list((0..<10).map { "p\($0)" } + ["third"])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: whole)
        try handle.close()
        #expect(try await list.count(sha1: Self.sha1("third")) == 3)
    }
}
