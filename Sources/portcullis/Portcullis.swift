import ArgumentParser
import Foundation
import Logging
import PortcullisCore

/// `portcullis`: the one binary. Exit codes: 0 success,
/// 1 runtime failure, 64 bad usage or bad configuration.
@main
struct Portcullis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "A Barong-compatible authentication server.",
        subcommands: [Serve.self, Migrate.self, Backup.self, Keys.self, Users.self, OIDC.self, Whitelink.self, Settings.self, Version.self]
    )
}

/// `--config FILE` (or `PORTCULLIS_CONFIG`) shared by the commands that read settings.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file (default: $PORTCULLIS_CONFIG).")
    var config: String?

    /// The configuration, or exit 64 with one line naming the bad setting.
    func load() throws -> Config {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try ConfigLoader().load(file: config ?? environment["PORTCULLIS_CONFIG"], environment: environment)
        } catch let error as ConfigError {
            throw configurationError(error.description)
        }
    }
}

/// Prints the one line naming the bad setting; the caller throws the result (exit code 64).
func configurationError(_ text: String) -> ExitCode {
    FileHandle.standardError.write(Data("portcullis: configuration error: \(text)\n".utf8))
    return ExitCode(64)
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print(PortcullisVersion.text) }
}
