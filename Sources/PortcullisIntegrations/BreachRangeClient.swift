import AsyncHTTPClient
import Foundation
import NIOCore
import PortcullisCore

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

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
        guard let count = Self.count(of: suffix, in: body) else { throw Unavailable(description: "the answer holds no HASH:COUNT line") }
        return count
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
    /// padding line carries 0); nil when no line of the answer is a
    /// `SUFFIX:COUNT` line (a page of something else is no answer). Hex case
    /// is ignored; a count too large to hold is the largest.
    static func count(of suffix: Substring, in body: String) -> Int? {
        var wellFormed = false
        for line in body.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            let digits = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard parts.count == 2, parts[0].count == 35, !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { continue }
            wellFormed = true
            if parts[0].uppercased() == suffix { return Int(digits) ?? Int.max }
        }
        return wellFormed ? 0 : nil
    }
}
