/// Slow password hashing, run off the event loop by its implementation.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async -> String
    /// Whether `password` matches `digest`. With a nil digest (unknown user)
    /// it still spends the time of one comparison and answers false.
    func verify(_ password: String, digest: String?) async -> Bool
}
