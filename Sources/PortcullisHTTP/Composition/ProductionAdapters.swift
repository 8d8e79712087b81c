import Foundation
import Logging
import PortcullisCore
import PortcullisIntegrations

extension CompositionInputs {
    /// The adapters the configuration names: SMTP mail, the phone channel
    /// (Twilio or the mock), bcrypt on a bounded pool, and the GeoIP database.
    /// A GeoIP file that cannot be opened is a configuration error.
    public static func production(
        config: Config, store: any Store, files: any FileStore, privateKeyPEM: String, secretBox: SecretBox,
        accessRules: AccessRules, abilities: AbilityTable, management: (config: ManagementAPIConfig, keychain: ManagementKeychain)?,
        logger: Logger
    ) throws -> CompositionInputs {
        if config.phoneVerification == .mock {
            logger.warning("PHONE VERIFICATION IS MOCK: no SMS leaves this server — for development only")
        }
        return CompositionInputs(
            config: config, store: store, files: files,
            hasher: BcryptPasswordHasher(cost: config.bcryptCost, maxConcurrent: ProcessInfo.processInfo.activeProcessorCount),
            privateKeyPEM: privateKeyPEM, secretBox: secretBox, mailer: SMTPMailer(settings: smtpSettings(config), logger: logger),
            phoneChannel: phoneChannel(config), accessRules: accessRules, abilities: abilities, management: management,
            geo: try geoIP(config, logger: logger), logger: logger
        )
    }

    static func smtpSettings(_ config: Config) -> SMTPSettings {
        var smtp = SMTPSettings(
            host: config.smtpHost, port: config.smtpPort, security: SMTPSettings.Security(rawValue: config.smtpTLS.rawValue) ?? .none,
            user: config.smtpUser, password: config.smtpPassword, senderEmail: config.senderEmail, senderName: config.senderName
        )
        if !config.smtpCAFile.isEmpty { smtp.trustRoots = .file(config.smtpCAFile) }
        return smtp
    }

    static func phoneChannel(_ config: Config) -> any PhoneCodeChannel {
        switch config.phoneVerification {
        case .twilioSMS:
            TwilioSMSChannel(client: .shared, baseURL: config.twilioAPIBaseURL, sid: config.twilioAccountSID,
                             token: config.twilioAuthToken, from: config.twilioPhoneNumber, template: config.smsContentTemplate)
        case .twilioVerify:
            TwilioVerifyChannel(client: .shared, baseURL: config.twilioVerifyBaseURL, sid: config.twilioAccountSID,
                                token: config.twilioAuthToken, serviceSID: config.twilioServiceSID)
        case .mock:
            MockPhoneChannel(template: config.smsContentTemplate, fixedCode: config.phoneMockCode.isEmpty ? nil : config.phoneMockCode)
        }
    }

    /// The GeoIP database `maxminddb_path` names (nil when empty).
    static func geoIP(_ config: Config, logger: Logger) throws -> (any GeoLocator)? {
        guard !config.maxminddbPath.isEmpty else { return nil }
        do {
            let locator = try MaxMindGeoLocator(path: config.maxminddbPath)
            logger.info("GeoIP database loaded", metadata: ["path": "\(config.maxminddbPath)"])
            return locator
        } catch {
            throw ConfigError("maxminddb_path: '\(config.maxminddbPath)' cannot be used: \(error)")
        }
    }
}
