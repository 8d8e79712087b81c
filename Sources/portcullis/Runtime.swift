import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisIntegrations
import PortcullisStore

/// The opened database and signing key shared by the commands.
struct Runtime {
    let store: any DatabaseStore
    let privateKeyPEM: String
    let secretBox: SecretBox?
    let accessRules: AccessRules
    let abilities: AbilityTable
    let management: (config: ManagementAPIConfig, keychain: ManagementKeychain)?

    static func open(config: Config, logger: Logger, migrate: Bool, needsKey: Bool = true) async throws -> Runtime {
        var box: SecretBox?
        if needsKey {
            do {
                let secrets = try SecretBox.load(config: config)
                if secrets.isDevelopment {
                    logger.warning("USING A DEVELOPMENT ENCRYPTION KEY under \(config.dataDir)/ — set encryption_key in production")
                }
                box = secrets.box
            } catch let error as ConfigError {
                throw configurationError(error.description)
            }
        }
        let store: any DatabaseStore
        do {
            store = try await DatabaseStores.open(
                url: config.databaseURL, pool: DatabasePool(size: config.databasePoolSize, waitSeconds: config.databaseWait),
                cipher: box, logger: logger
            )
            do {
                if migrate {
                    let applied = try await store.migrate()
                    logger.info("migrations up to date", metadata: ["applied": "\(applied.count)"])
                } else {
                    try await store.verifyMigrations()
                }
            } catch let error as MigrationChanged {
                await store.close()
                FileHandle.standardError.write(Data("portcullis: \(error.description)\n".utf8))
                logger.error("an applied migration was changed", metadata: ["migration": "\(error.name)"])
                throw ExitCode(1)
            }
        } catch let error as DatabaseURLError {
            throw configurationError("database_url: \(error.description)")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            // The URL may hold a password: name only the backend, and the error as PostgresNIO/SQLite reflect it.
            logger.error("cannot open the database", metadata: [
                "backend": "\(config.sqlitePath == nil ? "postgres" : "sqlite")", "error": "\(String(reflecting: error))",
            ])
            throw ExitCode(1)
        }
        var pem = ""
        var rules = AccessRules.defaults
        var abilities = try AbilityTable.defaults()
        var management: (config: ManagementAPIConfig, keychain: ManagementKeychain)?
        if needsKey {
            do {
                let key = try SigningKeyFiles.loadPrivateKey(config: config)
                if key.isDevelopment {
                    logger.warning("USING A DEVELOPMENT SIGNING KEY under \(config.dataDir)/ — set jwt_private_key_path in production")
                }
                pem = key.pem
                if !config.authzRulesFile.isEmpty {
                    let text = try readYAML(config.authzRulesFile, key: "authz_rules_file")
                    rules = try AccessRules.parseYAML(text, file: "authz_rules_file '\(config.authzRulesFile)'")
                }
                if !config.abilitiesFile.isEmpty {
                    let text = try readYAML(config.abilitiesFile, key: "abilities_file")
                    abilities = try AbilityTable.parse(text, file: "abilities_file '\(config.abilitiesFile)'")
                }
                management = try await loadManagement(config: config, logger: logger)
            } catch let error as ConfigError {
                await store.close()
                throw configurationError(error.description)
            }
        }
        return Runtime(store: store, privateKeyPEM: pem, secretBox: box, accessRules: rules, abilities: abilities,
                       management: management)
    }

    /// No setting, or a file that is not there, leaves the
    /// management API answering 401; a file that is there must be right.
    private static func loadManagement(config: Config, logger: Logger) async throws
        -> (config: ManagementAPIConfig, keychain: ManagementKeychain)? {
        let path = config.managementAPIConfig
        guard !path.isEmpty else { return nil }
        guard FileManager.default.fileExists(atPath: path) else {
            logger.warning("management_api_config names no file: every management call will be refused", metadata: ["path": "\(path)"])
            return nil
        }
        let file = "management_api_config '\(path)'"
        let parsed = try ManagementAPIConfig.parse(try readYAML(path, key: "management_api_config"), file: file,
                                                   environment: ProcessInfo.processInfo.environment)
        return (parsed, try await ManagementKeychain.make(config: parsed, file: file))
    }

    /// The text of a YAML file a setting names, or the setting's configuration error.
    private static func readYAML(_ path: String, key: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("\(key): '\(path)' cannot be read") }
        return String(decoding: data, as: UTF8.self)
    }
}

enum PortcullisVersion {
    static let text = "portcullis 0.1.0"
}
