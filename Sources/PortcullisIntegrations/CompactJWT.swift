import Foundation
import PortcullisCore

/// Reading the three base64url segments of a compact JWT ourselves.
public enum CompactJWT {
    /// One segment decoded (padding optional), or nil.
    public static func decodeSegment(_ segment: Substring) -> Data? {
        Base64URL.decode(String(segment)).map { Data($0) }
    }

    /// True when every segment is the one base64url spelling of its bytes:
    /// url alphabet, no padding, and zero bits after the last byte. The
    /// decoder jwt-kit uses ignores those bits, so without this check one
    /// signed token has several accepted spellings (a changed last character
    /// could still verify).
    public static func isCanonical(_ token: String) -> Bool {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        return segments.count == 3 && segments.allSatisfy(Base64URL.isCanonical)
    }
}
