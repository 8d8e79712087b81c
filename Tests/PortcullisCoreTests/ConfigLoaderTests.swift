import Foundation
import Testing
@testable import PortcullisCore

struct ConfigLoaderTests {
    func write(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "portcullis-config-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsAreBarongs() throws {
        let config = try ConfigLoader().load(file: nil, environment: [:])
        #expect(config.sessionName == "_barong_session")
        #expect(config.sessionExpireTime == 1800)
        #expect(config.passwordMinEntropy == 14)
        #expect(config.listenPort == 8001)
    }

    @Test func environmentWinsOverFile() throws {
        let path = try write(#"{"session_expire_time": 60, "domain": "file.example"}"#)
        let config = try ConfigLoader().load(file: path, environment: ["BARONG_SESSION_EXPIRE_TIME": "90"])
        #expect(config.sessionExpireTime == 90)
        #expect(config.domain == "file.example")
    }

    @Test func unknownKeyIsNamed() throws {
        let path = try write(#"{"sesion_name": "x"}"#)
        #expect { try ConfigLoader().load(file: path, environment: [:]) } throws: { error in
            "\(error)".contains("sesion_name")
        }
    }

    @Test func malformedValuesAreNamed() throws {
        #expect { try ConfigLoader().load(file: nil, environment: ["BARONG_SESSION_EXPIRE_TIME": "soon"]) } throws: { error in
            "\(error)".contains("BARONG_SESSION_EXPIRE_TIME")
        }
        #expect { try ConfigLoader().load(file: nil, environment: ["BARONG_CAPTCHA": "hcaptcha"]) } throws: { error in
            "\(error)".contains("captcha")
        }
        let path = try write(#"{"csrf_protection": 3}"#)
        #expect { try ConfigLoader().load(file: path, environment: [:]) } throws: { error in
            "\(error)".contains("csrf_protection")
        }
    }

    @Test func poolSettingsHaveBounds() throws {
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_DATABASE_POOL_SIZE": "40", "BARONG_DATABASE_WAIT": "2"])
        #expect(config.databasePoolSize == 40 && config.databaseWait == 2)
        for (key, value) in [("BARONG_DATABASE_POOL_SIZE", "1"), ("BARONG_DATABASE_WAIT", "0"), ("BARONG_DATABASE_WAIT", "301")] {
            #expect { try ConfigLoader().load(file: nil, environment: [key: value]) } throws: { error in
                "\(error)".contains(key.dropFirst("BARONG_".count).lowercased())
            }
        }
    }

    @Test func everyNumberHasBoundsSoNoneCanOverflowLater() throws {
        let cases = [("BARONG_SESSION_EXPIRE_TIME", "9223372036854775807"), ("BARONG_JWT_EXPIRE_TIME", "0"),
                     ("BARONG_APIKEY_NONCE_LIFETIME", "-5"), ("BARONG_SMTP_PORT", "70000"), ("BARONG_HTTP_IDLE_TIMEOUT", "0"),
                     ("BARONG_UPLOAD_MAX_BYTES", "9223372036854775807"), ("BARONG_AUTH_CACHE_TTL", "-1"),
                     ("BARONG_API_CORS_MAX_AGE", "-1"), ("BARONG_DOC_NUM_LIMIT", "-1"), ("BARONG_PASSWORD_MIN_ENTROPY", "-1")]
        for (key, value) in cases {
            #expect { try ConfigLoader().load(file: nil, environment: [key: value]) } throws: { error in
                "\(error)".contains(key.dropFirst("BARONG_".count).lowercased() + ": must be")
            }
        }
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_HTTP_IDLE_TIMEOUT": "3600"])
        #expect(config.httpIdleTimeout == 3600)
    }

    @Test func listsComeCommaSeparatedFromTheEnvironment() throws {
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"])
        #expect(config.trustedProxies == ["10.0.0.0/8", "192.168.1.1"])
    }
}

struct ConfigExampleTests {
    /// `config.example.json` documents every key with its default: it must
    /// load, name every key the loader knows, and change nothing.
    @Test func exampleNamesEveryKeyWithItsDefault() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../config.example.json").standardized.path
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
        #expect(Set(object.keys) == Set(ConfigField.all.keys))
        let loaded = try ConfigLoader().load(file: path, environment: [:])
        let defaults = Config()
        #expect(loaded.passwordRegexp == defaults.passwordRegexp)
        #expect(loaded.sessionExpireTime == defaults.sessionExpireTime)
        #expect(loaded.captchaProtectedEndpoints == defaults.captchaProtectedEndpoints)
        #expect(loaded.bcryptCost == defaults.bcryptCost)
        #expect(loaded.databaseURL == defaults.databaseURL)
        #expect(loaded.senderEmail == defaults.senderEmail)
    }
}

/// docs/configuration.md is generated from the settings table and can never drift from it.
struct ConfigurationReferenceTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/configuration.md").standardized.path

    @Test func theReferenceDocumentIsWhatTheCodeGenerates() throws {
        let onDisk = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(onDisk == ConfigSettings.markdown(),
                "docs/configuration.md is stale: run `swift run portcullis settings --markdown > docs/configuration.md`")
    }

    @Test func everySettingIsDescribedOnceWithARangeForEveryNumber() {
        let table = ConfigSettings.table
        #expect(Set(table.map(\.key)).count == table.count, "no key twice")
        for setting in table {
            #expect(!setting.summary.isEmpty, "\(setting.key) has a description")
            if case .int = setting.field { #expect(setting.range != nil, "\(setting.key) has a range") }
        }
        // A row of the reference names every key, its variable and its default.
        let document = ConfigSettings.markdown()
        #expect(document.contains("| `session_expire_time` | `BARONG_SESSION_EXPIRE_TIME` | integer | `1800` | 1…31536000 |"))
        #expect(document.contains("| `captcha` | `BARONG_CAPTCHA` | one of none, recaptcha, geetest | `none` |"))
    }

    @Test func aNumberOutsideItsTableRangeStopsStartUpNamingIt() {
        #expect(throws: ConfigError.self) {
            try ConfigLoader().load(file: nil, environment: ["BARONG_OUTBOX_LEASE": "4"])
        }
        do {
            _ = try ConfigLoader().load(file: nil, environment: ["BARONG_LISTEN_PORT": "70000"])
            Issue.record("accepted listen_port 70000")
        } catch {
            #expect("\(error)" == "listen_port: must be 0 to 65535")
        }
    }
}
