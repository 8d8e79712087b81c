import Foundation
import Testing
@testable import PortcullisCore

struct ManagementConfigTests {
    static let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    static var value: String { Base64URL.encode(Array(pem.utf8)) }

    @Test func barongsFormatWithERBSubstitutionsParses() throws {
        let text = """
            keychain:
              applogic:
                algorithm: RS256
                value: "<%= ENV['APPLOGIC_KEY'] %>"
              peatio: {algorithm: ES256, value: "<%= ENV.fetch('PEATIO_KEY', '\(Self.value)') %>"}
            jwt: {verify_iat: true, verify_jti: true, leeway: 30, verify_aud: true, aud: peatio}
            scopes:
              read_users: {permitted_signers: [applogic, peatio], mandatory_signers: [applogic]}
            unknown_top_level: ignored
            """
        let config = try ManagementAPIConfig.parse(text, file: "m.yml", environment: ["APPLOGIC_KEY": Self.value])
        #expect(config.keychain["applogic"] == .init(algorithm: "RS256", publicKeyPEM: Self.pem))
        #expect(config.keychain["peatio"]?.algorithm == "ES256" && config.keychain["peatio"]?.publicKeyPEM == Self.pem)
        #expect(config.claims.verifyIssuedAt && config.claims.verifyJTI && config.claims.leeway == 30 && config.claims.audience == "peatio")
        #expect(config.scopes["read_users"] == .init(permittedSigners: ["applogic", "peatio"], mandatorySigners: ["applogic"]))
    }

    @Test func refusalsNameTheFileAndTheReason() {
        let privatePEM = Base64URL.encode(Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8))
        let cases: [(String, String)] = [
            ("keychain:\n  a: {algorithm: RS256, value: \"\(privatePEM)\"}\n", "private key"),
            ("keychain:\n  a: {algorithm: HS256, value: \"\(Self.value)\"}\n", "unknown algorithm"),
            ("keychain:\n  a: {algorithm: RS256, value: \"!!\"}\n", "not base64url of a PEM key"),
            ("scopes:\n  tools: {permitted_signers: [a]}\n", "mandatory_signers"),
            ("<% `rm -rf /` %>\nscopes: {}\n", "only <%= ENV"),
            ("jwt: {leeway: soon}\n", "leeway"),
        ]
        for (text, reason) in cases {
            #expect {
                try ManagementAPIConfig.parse(text, file: "management_api_config 'm.yml'", environment: [:])
            } throws: { error in
                let description = (error as? ConfigError)?.description ?? ""
                return description.hasPrefix("management_api_config 'm.yml': ") && description.contains(reason)
            }
        }
    }

    @Test func claimsFollowTheOptionsAndD2() {
        var options = ManagementAPIConfig.ClaimOptions()
        options.verifyIssuedAt = true
        options.leeway = 5
        let claims = ManagementClaims(options: options, requireExp: true)
        let now: Int64 = 1_000_000
        let jti = "2f1c"
        #expect(claims.accept(["exp": now + 60, "iat": now, "jti": jti], now: now))
        #expect(!claims.accept(["iat": now, "jti": jti], now: now), "exp is required")
        #expect(!claims.accept(["exp": now + 60, "iat": now], now: now), "and so is a jti (D2)")
        #expect(ManagementClaims(options: options, requireExp: false).accept(["iat": now], now: now))
        #expect(!claims.accept(["exp": now - 6, "jti": jti], now: now) && claims.accept(["exp": now - 4, "jti": jti], now: now), "leeway")
        #expect(!claims.accept(["exp": now + 86_401, "jti": jti], now: now), "at most a day ahead")
        #expect(!claims.accept(["exp": now + 60, "iat": now + 60, "jti": jti], now: now), "iat in the future")
        #expect(!claims.accept(["exp": now + 60, "nbf": now + 60, "jti": jti], now: now), "not before")
        #expect(!claims.accept(["exp": "soon", "jti": jti], now: now))
        #expect(!claims.accept(["exp": 1e300, "jti": jti], now: now) && !claims.accept(["exp": Double.nan, "jti": jti], now: now),
                "out-of-range numbers are refused, not converted")
        options.verifyAudience = true
        options.audience = "barong"
        let audience = ManagementClaims(options: options, requireExp: true)
        #expect(audience.accept(["exp": now + 60, "aud": ["peatio", "barong"], "jti": jti], now: now))
        #expect(!audience.accept(["exp": now + 60, "aud": "peatio", "jti": jti], now: now))
    }

    @Test func aJTIIsANonEmptyStringInEveryMode() {
        let now: Int64 = 1_000_000
        for requireExp in [true, false] {
            let claims = ManagementClaims(options: ManagementAPIConfig.ClaimOptions(), requireExp: requireExp)
            for jti: Any in [12345, "", 0, true, ["a"], NSNull()] {
                #expect(!claims.accept(["exp": now + 60, "jti": jti], now: now), "jti \(jti)")
            }
            #expect(claims.accept(["exp": now + 60, "jti": "x"], now: now))
        }
    }

    @Test func lowSIsTheOnlyAcceptedECDSASpelling() {
        // n/2 of P-256 is the largest accepted s; n/2 + 1 is refused; RSA is untouched.
        let order = ECDSALowS.orders["ES256"] ?? []
        let half = ECDSALowS.half(order)
        var above = half
        above[above.count - 1] &+= 1
        let r = [UInt8](repeating: 1, count: 32)
        #expect(ECDSALowS.accepts(r + half, algorithm: "ES256"))
        #expect(!ECDSALowS.accepts(r + above, algorithm: "ES256"))
        #expect(!ECDSALowS.accepts(r + order, algorithm: "ES256") && !ECDSALowS.accepts(r, algorithm: "ES256"), "n itself, short")
        #expect(ECDSALowS.accepts([1, 2, 3], algorithm: "RS256"))
        for algorithm in ["ES384", "ES512"] {
            let n = ECDSALowS.orders[algorithm] ?? []
            #expect(ECDSALowS.accepts(n + ECDSALowS.half(n), algorithm: algorithm))
            #expect(!ECDSALowS.accepts(n + n, algorithm: algorithm))
        }
    }

    @Test func base64urlCanonicalSpellings() {
        #expect(Base64URL.isCanonical("QQ") && !Base64URL.isCanonical("QR"), "unused bits must be zero")
        #expect(!Base64URL.isCanonical("QQ==") && !Base64URL.isCanonical("a+b/") && !Base64URL.isCanonical("Q"))
        #expect(Base64URL.decode(Base64URL.encode([0, 255, 7])) == [0, 255, 7])
    }

    @Test func importTimestamps() {
        #expect(ImportRow.timestamp("2021-03-04 05:06:07") == 1_614_834_367)
        #expect(ImportRow.timestamp("2021-03-04T05:06:07.250Z") == 1_614_834_367)
        #expect(ImportRow.timestamp("2021-03-04T05:06:07+02:00") == nil, "only UTC")
        #expect(ImportRow.timestamp(1_614_834_367) == 1_614_834_367 && ImportRow.timestamp("garbage") == nil)
        // Numbers outside the four-digit years, or no whole Int64, are no timestamp (never a trap).
        #expect(ImportRow.timestamp(Int64.min) == nil && ImportRow.timestamp("9223372036854775807") == nil)
        #expect(ImportRow.timestamp(1e300) == nil && ImportRow.timestamp("99999-01-01 00:00:00") == nil)
        #expect(Timestamp.iso8601(Int64.min) == "0001-01-01T00:00:00Z" && Timestamp.iso8601(Int64.max) == "9999-12-31T23:59:59Z")
    }
}
