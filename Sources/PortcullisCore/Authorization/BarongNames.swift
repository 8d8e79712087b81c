/// The fixed names Barong signs with, which OpenDAX's verifiers (Peatio,
/// jwt-multisig, the event consumers) check: one spelling for every token,
/// event envelope and management signature this server makes.
public enum BarongNames {
    /// `iss` of every JWT, and the `kid` of our signatures in JWS envelopes.
    public static let issuer = "barong"
    /// `aud` of the gateway and one-time tokens: Peatio and Barong itself.
    public static let audience = ["peatio", "barong"]
    /// The audience a token must name for this server to accept it.
    public static let ownAudience = "barong"
    /// `sub` of the bearer JWT authorize issues; confirmation and reset
    /// tokens carry their own subjects, so neither passes for the other.
    public static let sessionSubject = "session"
}
