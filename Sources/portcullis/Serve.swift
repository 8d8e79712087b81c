import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PortcullisCore
import PortcullisHTTP
import PortcullisIntegrations
import PortcullisStore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (applies pending migrations first unless auto_migrate is false).")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        LogSetup.bootstrap(config)
        let logger = Logger(label: "portcullis")
        let geo = try openGeoIP(config: config, logger: logger)
        // Before any service makes its metric handles.
        let metrics = config.metricsAddress == nil ? nil : MetricsExport.bootstrap()
        let runtime = try await Runtime.open(config: config, logger: logger, migrate: config.autoMigrate)
        let hasher = BcryptPasswordHasher(cost: config.bcryptCost, maxConcurrent: ProcessInfo.processInfo.activeProcessorCount)
        guard let secretBox = runtime.secretBox else { throw ExitCode(1) }
        do {
            var smtp = SMTPSettings(
                host: config.smtpHost, port: config.smtpPort, security: SMTPSettings.Security(rawValue: config.smtpTLS.rawValue) ?? .none,
                user: config.smtpUser, password: config.smtpPassword, senderEmail: config.senderEmail, senderName: config.senderName
            )
            if !config.smtpCAFile.isEmpty { smtp.trustRoots = .file(config.smtpCAFile) }
            let mailer = SMTPMailer(settings: smtp, logger: logger)
            let phoneChannel: any PhoneCodeChannel = switch config.phoneVerification {
            case .twilioSMS:
                TwilioSMSChannel(client: .shared, baseURL: config.twilioAPIBaseURL, sid: config.twilioAccountSID,
                                 token: config.twilioAuthToken, from: config.twilioPhoneNumber, template: config.smsContentTemplate)
            case .twilioVerify:
                TwilioVerifyChannel(client: .shared, baseURL: config.twilioVerifyBaseURL, sid: config.twilioAccountSID,
                                    token: config.twilioAuthToken, serviceSID: config.twilioServiceSID)
            case .mock:
                MockPhoneChannel(template: config.smsContentTemplate, fixedCode: config.phoneMockCode.isEmpty ? nil : config.phoneMockCode)
            }
            if config.phoneVerification == .mock {
                logger.warning("PHONE VERIFICATION IS MOCK: no SMS leaves this server — for development only")
            }
            let services = try await Services(
                config: config, store: runtime.store, hasher: hasher, privateKeyPEM: runtime.privateKeyPEM,
                secretBox: secretBox, mailer: mailer, phoneChannel: phoneChannel,
                fileStore: try fileStore(config: config, store: runtime.store), accessRules: runtime.accessRules, abilities: runtime.abilities,
                management: runtime.management, geo: geo, logger: logger
            )
            // Other instances' commits reach the caches from here on.
            runtime.store.startChangeFeed()
            let app = buildApplication(services: services, logger: logger, metrics: metrics)
            // SIGTERM/SIGINT end the group gracefully: in-flight requests
            // finish, then we close the database.
            var group: [any Service] = [app]
            if let metrics, let address = config.metricsAddress {
                group.append(metrics.application(host: address.host, port: address.port, services: services, logger: logger))
            }
            if let address = config.authorizeAddress {
                group.append(GatewayListener(host: address.host, port: address.port, services: services, logger: logger))
            }
            // A stop is bounded: in-flight work gets 10 s, then cancellation 5 s, so a
            // service stuck in the database cannot keep a SIGTERM waiting forever.
            var configuration = ServiceGroupConfiguration(services: group, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .seconds(10)
            configuration.maximumCancellationDuration = .seconds(5)
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            await runtime.store.close()
            logger.error("server stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("stopped serving; closing the database")
        await runtime.store.close()
        logger.info("database closed")
    }
}

/// The GeoIP database `maxminddb_path` names (nil when empty); a file that
/// cannot be opened or is not a MaxMind DB stops start-up (exit 64).
private func openGeoIP(config: Config, logger: Logger) throws -> (any GeoLocator)? {
    guard !config.maxminddbPath.isEmpty else { return nil }
    do {
        let locator = try MaxMindGeoLocator(path: config.maxminddbPath)
        logger.info("GeoIP database loaded", metadata: ["path": "\(config.maxminddbPath)"])
        return locator
    } catch {
        throw configurationError("maxminddb_path: '\(config.maxminddbPath)' cannot be used: \(error)")
    }
}

/// Uploads live with the data: in the shared database when several instances
/// may serve (PostgreSQL), under `upload_path` for the embedded backend.
private func fileStore(config: Config, store: any DatabaseStore) throws -> any FileStore {
    store.isShared ? DatabaseFileStore() : try LocalFileStore(directory: config.uploadPath)
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        LogSetup.bootstrap(config)
        let runtime = try await Runtime.open(config: config, logger: Logger(label: "portcullis"), migrate: true, needsKey: false)
        await runtime.store.close()
    }
}
