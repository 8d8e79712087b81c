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
}
