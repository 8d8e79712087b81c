import ExtrasBase64
import Foundation

/// Barong's `config/management_api.yml`: the signers'
/// public keys, the claims options and, per scope, who may and who must sign.
public struct ManagementAPIConfig: Sendable {
    public struct Signer: Sendable, Equatable {
        public var algorithm: String
        /// The PEM text (decoded from the file's base64url `value`).
        public var publicKeyPEM: String
    }

    public struct Scope: Sendable, Equatable {
        public var permittedSigners: [String]
        public var mandatorySigners: [String]
    }

    /// ruby-jwt's option names, Barong's defaults.
    public struct ClaimOptions: Sendable, Equatable {
        public var verifyExpiration = true
        public var verifyNotBefore = true
        public var verifyIssuer = false
        public var issuer: String?
        public var verifyAudience = false
        public var audience: String?
        public var verifyIssuedAt = false
        public var verifyJTI = false
        public var verifySubject = false
        public var subject: String?
        public var leeway: Int64 = 0
        public init() {}
    }

    public static let algorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]

    public var keychain: [String: Signer]
    public var claims: ClaimOptions
    public var scopes: [String: Scope]

    public init(keychain: [String: Signer] = [:], claims: ClaimOptions = ClaimOptions(), scopes: [String: Scope] = [:]) {
        self.keychain = keychain; self.claims = claims; self.scopes = scopes
    }

    /// Reads the file's text; `environment` serves the ERB substitutions.
    /// Errors are `ConfigError`s beginning with `file`.
    public static func parse(_ raw: String, file: String, environment: [String: String]) throws -> ManagementAPIConfig {
        let text = try ERBSubstitution.render(raw, environment: environment, file: file)
        guard let root = BarongYAML.mapping(try BarongYAML.load(text, file: file)) else {
            throw ConfigError("\(file): expected a mapping with keychain and scopes")
        }
        var config = ManagementAPIConfig()
        for (id, value) in BarongYAML.mapping(root["keychain"]) ?? [:] {
            guard let entry = BarongYAML.mapping(value), let algorithm = entry["algorithm"] as? String,
                  let encoded = entry["value"] as? String else {
                throw ConfigError("\(file): keychain.\(id) needs algorithm and value")
            }
            guard algorithms.contains(algorithm) else { throw ConfigError("\(file): keychain.\(id): unknown algorithm '\(algorithm)'") }
            guard let pem = Base64URL.decode(encoded).map({ String(decoding: $0, as: UTF8.self) }),
                  pem.contains("-----BEGIN") else {
                throw ConfigError("\(file): keychain.\(id).value is not base64url of a PEM key")
            }
            if pem.contains("PRIVATE KEY") { throw ConfigError("\(file): keychain.\(id) is a private key; list public keys only") }
            config.keychain[id] = Signer(algorithm: algorithm, publicKeyPEM: pem)
        }
        if let options = BarongYAML.mapping(root["jwt"]) { config.claims = try claimOptions(options, file: file) }
        for (name, value) in BarongYAML.mapping(root["scopes"]) ?? [:] {
            let entry = BarongYAML.mapping(value) ?? [:]
            let permitted = BarongYAML.strings(entry["permitted_signers"]) ?? []
            let mandatory = BarongYAML.strings(entry["mandatory_signers"]) ?? []
            if mandatory.isEmpty { throw ConfigError("\(file): scopes.\(name).mandatory_signers must name at least one signer") }
            config.scopes[name] = Scope(permittedSigners: permitted, mandatorySigners: mandatory)
        }
        return config
    }

    private static func claimOptions(_ map: [String: Any], file: String) throws -> ClaimOptions {
        var options = ClaimOptions()
        func flag(_ name: String, _ fallback: Bool) throws -> Bool {
            guard let value = map[name] else { return fallback }
            guard let bool = value as? Bool else { throw ConfigError("\(file): jwt.\(name) must be true or false") }
            return bool
        }
        options.verifyExpiration = try flag("verify_expiration", true)
        options.verifyNotBefore = try flag("verify_not_before", true)
        options.verifyIssuer = try flag("verify_iss", false)
        options.verifyAudience = try flag("verify_aud", false)
        options.verifyIssuedAt = try flag("verify_iat", false)
        options.verifyJTI = try flag("verify_jti", false)
        options.verifySubject = try flag("verify_sub", false)
        options.issuer = map["iss"].map { "\($0)" }
        options.audience = map["aud"].map { "\($0)" }
        options.subject = map["sub"].map { "\($0)" }
        if let leeway = map["leeway"] {
            guard let seconds = leeway as? Int, (0...86_400).contains(seconds) else {
                throw ConfigError("\(file): jwt.leeway must be whole seconds from 0 to 86400")
            }
            options.leeway = Int64(seconds)
        }
        return options
    }
}

/// The only ERB Barong's file may use here: `<%= ENV['NAME'] %>` and
/// `<%= ENV.fetch('NAME', 'default') %>`; anything else in `<% %>` is refused.
enum ERBSubstitution {
    static func render(_ text: String, environment: [String: String], file: String) throws -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<%") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "%>") else { throw ConfigError("\(file): unterminated '<%'") }
            let code = rest[open.upperBound..<close.lowerBound]
            output += try evaluate(code, environment: environment, file: file)
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    private static func evaluate(_ code: Substring, environment: [String: String], file: String) throws -> String {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        let pattern = #"^=\s*ENV(?:\[\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*\]|\.fetch\(\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\3\s*,\s*(['"])(.*?)\5\s*\))$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed)) else {
            throw ConfigError("\(file): only <%= ENV['NAME'] %> and <%= ENV.fetch('NAME', 'default') %> are supported")
        }
        func group(_ index: Int) -> String? {
            Range(match.range(at: index), in: trimmed).map { String(trimmed[$0]) }
        }
        if let name = group(2) { return environment[name] ?? "" }
        return environment[group(4) ?? ""] ?? group(6) ?? ""
    }
}

/// base64url without padding (padding tolerated on input), through
/// swift-extras-base64; only the canonical-form check is ours (jwt-kit and
/// the library both accept every spelling of the trailing bits).
public enum Base64URL {
    static let options: Base64.DecodingOptions = [.base64UrlAlphabet, .omitPaddingCharacter]

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var bytes = Substring(text).utf8[...]
        while bytes.last == UInt8(ascii: "=") { bytes = bytes.dropLast() }
        return try? Base64.decode(bytes: bytes, options: options)
    }

    /// True when `text` is the one base64url spelling of its bytes: url
    /// alphabet, no padding, zero bits after the last byte. Decoders
    /// (jwt-kit's too) ignore those bits, so without this check one signed
    /// token has several accepted spellings.
    public static func isCanonical(_ text: some StringProtocol) -> Bool {
        var last: UInt8 = 0
        for byte in text.utf8 {
            guard let value = sextet(byte) else { return false }
            last = value
        }
        switch text.utf8.count % 4 {
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

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }
}
