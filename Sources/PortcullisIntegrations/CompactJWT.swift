import Foundation
import PortcullisCore

/// Reading the three base64url segments of a compact JWT ourselves.
public enum CompactJWT {
    /// One segment decoded (padding optional), or nil.
    public static func decodeSegment(_ segment: Substring) -> Data? {
        Base64URL.decode(String(segment)).map { Data($0) }
    }

    /// True when the protected header is `{"alg":"RS256","typ":"JWT"}` (any
    /// key order), the header of every token this server issues (one-time tokens
    /// and the authorize JWT). Management `otp/sign` signs `{"alg":"RS256"}` with the same key
    /// over a payload its caller chose; requiring `typ` keeps such a signature
    /// from ever passing for one of our tokens.
    public static func hasOurHeader(_ token: String) -> Bool {
        guard let end = token.firstIndex(of: "."), let header = decodeSegment(token[..<end]),
              let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else { return false }
        return object.count == 2 && object["alg"] as? String == "RS256" && object["typ"] as? String == "JWT"
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
