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
    /// The file's identity when mapped: a rename over the path, or a write in place, shows as a change.
    let device: UInt64
    let inode: UInt64

    public struct OpenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens and maps a regular file (a FIFO or a device is refused without
    /// blocking), then samples it: lines spread over the file must be
    /// uppercase 40-hex `HASH[:COUNT]` lines, in order.
    public init(path: String) throws {
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw OpenFailure(description: "cannot open \(path)") }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0,
              let mapped = mmap(nil, Int(status.st_size), PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
            close(descriptor)
            throw OpenFailure(description: "cannot map \(path): not a non-empty regular file")
        }
        // Lookups jump around the file: tell the kernel not to read ahead.
        _ = madvise(mapped, Int(status.st_size), MADV_RANDOM)
        self.base = UnsafeRawPointer(mapped)
        self.size = Int(status.st_size)
        self.descriptor = descriptor
        self.device = UInt64(status.st_dev)
        self.inode = UInt64(status.st_ino)
        if let offset = firstMisfit() {
            throw OpenFailure(description: "\(path) is not a sorted list of uppercase SHA-1 HASH:COUNT lines (near byte \(offset))")
        }
    }

    /// Whether the path still names this file, unchanged in size: a list
    /// replaced by a rename is reopened, and a list written over in place is
    /// never touched again (a page past a shrunken end would kill the process).
    func isCurrent(path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(descriptor, &open) == 0, Int(open.st_size) == size, stat(path, &named) == 0 else { return false }
        return UInt64(named.st_dev) == device && UInt64(named.st_ino) == inode && Int(named.st_size) == size
    }

    /// The byte offset of a sampled line that is not a list line or is out of order, or nil.
    private func firstMisfit() -> Int? {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var previous: Int?
        let samples = min(257, max(1, size / 64))
        for index in 0..<samples {
            let start = index == 0 ? 0 : lineEnd(from: lineStart(at: size * index / samples, in: bytes), in: bytes)
            guard start < size else { continue }
            guard isListLine(at: start, in: bytes) else { return start }
            if let previous, compareLines(previous, start, in: bytes) > 0 { return start }
            previous = start
        }
        return nil
    }

    private func isListLine(at start: Int, in bytes: UnsafePointer<UInt8>) -> Bool {
        guard start + 40 <= size else { return false }
        for index in start..<start + 40 where !Self.hex.contains(bytes[index]) { return false }
        let end = lineEnd(from: start, in: bytes)
        var position = start + 40
        if position < end, bytes[position] == UInt8(ascii: ":") {
            position += 1
            while position < end, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
        }
        if position < end, bytes[position] == 13 { position += 1 }
        return position == end || (position == end - 1 && bytes[position] == 10)
    }

    private func compareLines(_ a: Int, _ b: Int, in bytes: UnsafePointer<UInt8>) -> Int {
        for index in 0..<40 where bytes[a + index] != bytes[b + index] { return Int(bytes[a + index]) - Int(bytes[b + index]) }
        return 0
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

    /// The decimal count after `HASH:` (1 when the line has none; a count too large to hold is the largest).
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
