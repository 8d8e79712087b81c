import Foundation

/// Reading the three base64url segments of a compact JWT ourselves.
public enum CompactJWT {
    /// One segment decoded (padding optional), or nil.
    public static func decodeSegment(_ segment: Substring) -> Data? {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }

    /// True when every segment is the one base64url spelling of its bytes:
    /// url alphabet, no padding, and zero bits after the last byte. The
    /// decoder jwt-kit uses ignores those bits, so without this check one
    /// signed token has several accepted spellings (a changed last character
    /// could still verify).
    public static func isCanonical(_ token: String) -> Bool {
        let segments = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { return false }
        return segments.allSatisfy(isCanonicalSegment)
    }

    static func isCanonicalSegment(_ segment: Substring.UTF8View.SubSequence) -> Bool {
        var last: UInt8 = 0
        for byte in segment {
            guard let value = sextet(byte) else { return false }
            last = value
        }
        switch segment.count % 4 {
        case 0: return true
        case 2: return last & 0b1111 == 0
        case 3: return last & 0b11 == 0
        default: return false
        }
    }

    static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
