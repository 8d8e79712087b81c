import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisHTTP
import PortcullisStore

/// `portcullis oidc clients create`: an operator registers a relying party
/// from the command line (the admin API and the console do the same).
struct OIDC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "OpenID Connect provider.", subcommands: [Clients.self])

    struct Clients: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Relying parties.", subcommands: [Create.self])
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client; prints it as JSON, with its secret (shown this once) when confidential."
        )
        @OptionGroup var options: ConfigOptions
        @Option(name: .long) var name: String
        @Option(name: .customLong("redirect-uri"), help: "Repeat for each; exact match, https or http on the loopback host")
        var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri")) var postLogoutRedirectURIs: [String] = []
        @Option(name: .customLong("scope"), help: "Repeat for each (default: openid email profile)") var scopes: [String] = []
        @Option(name: .customLong("grant-type"), help: "Repeat for each (default: authorization_code refresh_token)")
        var grantTypes: [String] = []
        @Flag(name: .customLong("public"), help: "A public client (a mobile or desktop app): no secret, PKCE only") var isPublic = false
        @Flag(name: .customLong("first-party"), help: "No consent page") var firstParty = false
        @Option(name: .customLong("service-account-uid"), help: "What client credentials act for") var serviceAccountUID: String?

        func run() async throws {
            let config = try options.load()
            LogSetup.bootstrap(config)
            let runtime = try await Runtime.open(config: config, logger: Logger(label: "portcullis"), migrate: true, needsKey: false)
            var fields = OIDCClientService.Fields()
            fields.name = name
            fields.redirectURIs = redirectURIs.isEmpty ? nil : redirectURIs
            fields.postLogoutRedirectURIs = postLogoutRedirectURIs.isEmpty ? nil : postLogoutRedirectURIs
            fields.scopes = scopes.isEmpty ? nil : scopes
            fields.grantTypes = grantTypes.isEmpty ? nil : grantTypes
            fields.confidential = !isPublic
            fields.firstParty = firstParty
            fields.serviceAccountUID = serviceAccountUID
            do {
                let (client, secret) = try await OIDCClientService(store: runtime.store, clock: SystemClock()).create(fields)
                await runtime.store.close()
                print(OIDCClientJSON.text(client, secret: secret))
            } catch let refusal as OIDCClientService.Refusal {
                await runtime.store.close()
                FileHandle.standardError.write(Data("portcullis: refused: \(refusal.rawValue)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
