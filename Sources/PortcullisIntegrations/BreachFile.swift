import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The downloadable list of breached passwords (`HASH:COUNT` lines,
/// uppercase SHA-1, sorted), searched in place: the file is mapped
/// read-only and binary-searched by byte offset, never read whole, so a
/// 30 GiB file costs what the pages touched cost.
public final class BreachFile: @unchecked Sendable {  // the mapping is read-only and never changes
    let base: UnsafeRawPointer
    let size: Int
    let descriptor: Int32

    public struct OpenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String) throws {
        let descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else { throw OpenFailure(description: "cannot open \(path)") }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0,
              let mapped = mmap(nil, Int(status.st_size), PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
            close(descriptor)
            throw OpenFailure(description: "cannot map \(path)")
        }
        // Lookups jump around the file: tell the kernel not to read ahead.
        _ = madvise(mapped, Int(status.st_size), MADV_RANDOM)
        self.base = UnsafeRawPointer(mapped)
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), size)
        close(descriptor)
    }

    /// How often the password with this SHA-1 was seen in breaches; nil when never.
    public func count(sha1 digest: [UInt8]) -> Int? {
        guard digest.count == 20 else { return nil }
        let target = Array(digest.flatMap { byte in [Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0f)]] })
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        // The first line whose hash is not below the target, by the byte offset of its start.
        var low = 0, high = size
        while low < high {
            let middle = low + (high - low) / 2
            let start = lineStart(at: middle, in: bytes)
            if compare(at: start, with: target, in: bytes) < 0 {
                low = lineEnd(from: start, in: bytes)
            } else {
                high = start
            }
        }
        let found = low < size && compare(at: low, with: target, in: bytes) == 0 ? count(after: low + 40, in: bytes) : nil
        // Unmaps the pages this lookup touched from the process (they stay in
        // the page cache): its resident memory stays flat however many
        // lookups run, instead of growing toward the file's size.
        _ = madvise(UnsafeMutableRawPointer(mutating: base), size, MADV_DONTNEED)
        return found
    }

    static let hex = Array("0123456789ABCDEF".utf8)

    private func lineStart(at offset: Int, in bytes: UnsafePointer<UInt8>) -> Int {
        var position = offset
        while position > 0 && bytes[position - 1] != UInt8(ascii: "\n") { position -= 1 }
        return position
    }

    private func lineEnd(from start: Int, in bytes: UnsafePointer<UInt8>) -> Int {
        var position = start
        while position < size && bytes[position] != UInt8(ascii: "\n") { position += 1 }
        return min(position + 1, size)
    }

    /// The line's 40-character hash against the target: <0, 0 or >0 (a short line sorts first).
    private func compare(at start: Int, with target: [UInt8], in bytes: UnsafePointer<UInt8>) -> Int {
        for index in 0..<40 {
            guard start + index < size else { return -1 }
            let byte = bytes[start + index]
            if byte != target[index] { return Int(byte) - Int(target[index]) }
        }
        return 0
    }

    /// The decimal count after `HASH:` (1 when the line has none).
    private func count(after offset: Int, in bytes: UnsafePointer<UInt8>) -> Int {
        guard offset < size, bytes[offset] == UInt8(ascii: ":") else { return 1 }
        var value = 0, position = offset + 1
        while position < size, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9"), value < Int.max / 10 - 9 {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return value
    }
}
