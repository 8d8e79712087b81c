import ArgumentParser
import Foundation
import Logging
import PortcullisCore

/// The admin tool behind `identity/users/access`: issues whitelink tokens.
struct Whitelink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage whitelist-link tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new single-use whitelink token.")
        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Seconds the token stays valid.") var ttl: Int = 3600

        func run() async throws {
            let config = try options.load()
            LogSetup.bootstrap(config)
            let runtime = try await Runtime.open(config: config, logger: Logger(label: "portcullis"), migrate: true, needsKey: false)
            let clock = SystemClock()
            let service = WhitelistAccessService(store: runtime.store, restrictions: RestrictionGuard(store: runtime.store, clock: clock), clock: clock)
            let token = try await service.issueToken(ttl: Int64(max(1, ttl)))
            await runtime.store.close()
            print(token.value)
        }
    }
}
