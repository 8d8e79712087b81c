import AsyncHTTPClient
import Foundation
import NIOCore
import PortcullisCore

/// The k-anonymity range API of breached passwords (Have I Been Pwned's
/// shape): only the first 5 hex characters of the SHA-1 leave the server,
/// and `Add-Padding: true` asks for decoy lines, so neither the hash nor the
/// size of the answer tells an observer which password was asked.
public struct BreachRangeClient: BreachedPasswordList {
    let client: HTTPClient
    let baseURL: String
    let timeoutMilliseconds: Int

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// `timeoutMilliseconds` bounds the whole exchange, the answer's body included.
    public init(client: HTTPClient, baseURL: String, timeoutMilliseconds: Int) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func count(sha1 digest: [UInt8]) async throws -> Int {
        let hex = digest.map { String(format: "%02X", $0) }.joined()
        let (prefix, suffix) = (String(hex.prefix(5)), Substring(hex.dropFirst(5)))
        let body = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await fetch(prefix) }
            group.addTask { try await Task.sleep(for: .milliseconds(timeoutMilliseconds)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let text = first else {
                throw Unavailable(description: "no answer within \(timeoutMilliseconds) ms")
            }
            return text
        }
        return Self.count(of: suffix, in: body)
    }

    private func fetch(_ prefix: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(baseURL)/range/\(prefix)")
        request.headers.add(name: "Add-Padding", value: "true")
        request.headers.add(name: "User-Agent", value: "Portcullis")
        // The race above decides; this only keeps a lost connection from lingering.
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeoutMilliseconds) + 1000))
        guard response.status == .ok else { throw Unavailable(description: "status \(response.status.code)") }
        let body = try await response.body.collect(upTo: 4 << 20)
        return String(decoding: body.readableBytesView, as: UTF8.self)
    }

    /// The count on the `SUFFIX:COUNT` line of the answer, 0 when none (a
    /// padding line carries 0). Hex case is ignored.
    static func count(of suffix: Substring, in body: String) -> Int {
        for line in body.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 35, parts[0].uppercased() == suffix else { continue }
            return Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}

/// The downloadable breach list searched in place (`BreachFile`), each
/// lookup on a thread of its own: a page fault on a cold file must not hold
/// an event loop or the cooperative pool.
public struct BreachFileList: BreachedPasswordList {
    let file: BreachFile
    let thread: BlockingThread

    public init(path: String) throws {
        file = try BreachFile(path: path)
        thread = BlockingThread(name: "portcullis-breach-file")
    }

    public func count(sha1 digest: [UInt8]) async throws -> Int {
        let file = self.file
        return try await thread.run { file.count(sha1: digest) ?? 0 }
    }
}
