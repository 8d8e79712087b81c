/// A uid: the upper-cased prefix and 10 upper-case hex digits from a CSPRNG.
public struct UIDGenerator: Sendable {
    public let prefix: String

    public init(prefix: String) { self.prefix = prefix.uppercased() }

    public func next() -> String {
        prefix + SecureRandom.hex(bytes: 5).uppercased()
    }

    /// Whether a `refid` has this deployment's uid shape (prefix first).
    public func hasPrefix(_ candidate: String) -> Bool {
        candidate.hasPrefix(prefix)
    }
}
