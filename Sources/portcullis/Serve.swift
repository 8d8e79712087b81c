import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisHTTP
import PortcullisIntegrations
import PortcullisStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (applies pending migrations first unless auto_migrate is false).")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        LogSetup.bootstrap(config)
        let logger = Logger(label: "portcullis")
        // Before any service makes its metric handles.
        let metrics = config.metricsAddress == nil ? nil : MetricsExport.bootstrap()
        let runtime = try await Runtime.open(config: config, logger: logger, migrate: config.autoMigrate)
        guard let secretBox = runtime.secretBox else { throw ExitCode(1) }
        do {
            let inputs = try CompositionInputs.production(
                config: config, store: runtime.store, files: try fileStore(config: config, store: runtime.store),
                privateKeyPEM: runtime.privateKeyPEM, secretBox: secretBox, accessRules: runtime.accessRules,
                abilities: runtime.abilities, management: runtime.management, logger: logger
            )
            let composition = try await Composition.make(inputs)
            // Other instances' commits reach the caches from here on.
            runtime.store.startChangeFeed()
            // SIGTERM/SIGINT end the group gracefully: in-flight requests finish, then we close the database.
            try await composition.run(metrics: metrics)
        } catch let error as ConfigError {
            await runtime.store.close()
            throw configurationError(error.description)
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
