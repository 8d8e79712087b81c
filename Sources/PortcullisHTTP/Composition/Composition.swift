import AsyncHTTPClient
import Hummingbird
import Logging
import PortcullisCore
import PortcullisIntegrations
import ServiceLifecycle

/// The composition root: the one place that builds services from adapters
/// and hands each route group, middleware and listener what it uses. The
/// CLI loads the configuration, keys and database and calls `make`; tests
/// call it with fakes (a recording mailer, a pinned clock).
public struct Composition: Sendable {
    let config: Config
    let logger: Logger
    let identity: IdentityServices
    let resource: ResourceServices
    let admin: AdminServices
    let management: ManagementServices
    let console: ConsoleServices
    let gateway: GatewayServices
    let oidc: OIDCServices
    let background: BackgroundServices

    public static func make(_ inputs: CompositionInputs) async throws -> Composition {
        let shared = try await SharedServices.make(inputs)
        let admin = AdminServices.make(inputs, shared)
        let oidc = try await OIDCServices.make(inputs, shared)
        let config = inputs.config
        return Composition(
            config: inputs.config, logger: inputs.logger,
            identity: try IdentityServices.make(inputs, shared),
            resource: ResourceServices.make(inputs, shared),
            admin: admin,
            management: ManagementServices.make(inputs, shared, admin: admin),
            console: try ConsoleServices.make(inputs, shared, admin: admin),
            gateway: try await GatewayServices.make(inputs, shared,
                                                    oidcBearers: config.oidcEnabled && config.oidcGatewayTokens ? oidc.tokens : nil),
            oidc: oidc,
            background: BackgroundServices.make(inputs, shared)
        )
    }

    /// Everything `serve` runs: the API listener with its background work,
    /// then the metrics and gateway listeners when configured.
    public func listeners(metrics: MetricsExport?) -> [any Service] {
        var group: [any Service] = [application(metrics: metrics != nil)]
        if let metrics, let address = config.metricsAddress {
            group.append(metrics.application(host: address.host, port: address.port, outbox: background.outbox, logger: logger))
        }
        if let address = config.authorizeAddress {
            group.append(GatewayListener(host: address.host, port: address.port, call: gateway.call, resolver: gateway.resolver,
                                         cookie: gateway.cookie, idleTimeout: config.httpIdleTimeout, logger: logger))
        }
        return group
    }

    /// The API listener: the router, and the sweeper and outbox beside it.
    func application(metrics: Bool) -> some ApplicationProtocol {
        Application(
            router: buildRouter(catalog: RouteCatalog(), metrics: metrics),
            // One timer closes a connection that sends no complete request head,
            // stalls in its body, or idles between requests: a slow client cannot hold it.
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.httpIdleTimeout)))),
            configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: nil),
            services: [background.sweeper(logger: logger), background.outboxService],
            logger: logger
        )
    }

    /// Runs the listeners until SIGTERM or SIGINT. A stop is bounded: in-flight
    /// work gets 10 s, then cancellation 5 s, so a service stuck in the database
    /// cannot keep a SIGTERM waiting forever.
    public func run(metrics: MetricsExport?) async throws {
        var configuration = ServiceGroupConfiguration(services: listeners(metrics: metrics),
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// What the composition is built from: the loaded configuration and key
/// material, and the adapters (the CLI's from `production(…)`, tests' fakes).
public struct CompositionInputs: Sendable {
    public var config: Config
    public var store: any Store
    public var files: any FileStore
    public var hasher: any PasswordHasher
    public var privateKeyPEM: String
    public var secretBox: SecretBox
    public var mailer: any Mailer
    public var phoneChannel: any PhoneCodeChannel
    public var accessRules: AccessRules
    public var abilities: AbilityTable
    public var management: (config: ManagementAPIConfig, keychain: ManagementKeychain)?
    public var geo: (any GeoLocator)?
    public var clock: any ServerClock
    public var httpClient: HTTPClient
    public var logger: Logger

    public init(config: Config, store: any Store, files: any FileStore, hasher: any PasswordHasher, privateKeyPEM: String,
                secretBox: SecretBox, mailer: any Mailer, phoneChannel: any PhoneCodeChannel, accessRules: AccessRules = .defaults,
                abilities: AbilityTable, management: (config: ManagementAPIConfig, keychain: ManagementKeychain)? = nil,
                geo: (any GeoLocator)? = nil, clock: any ServerClock = SystemClock(), httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "portcullis")) {
        self.config = config; self.store = store; self.files = files; self.hasher = hasher; self.privateKeyPEM = privateKeyPEM
        self.secretBox = secretBox; self.mailer = mailer; self.phoneChannel = phoneChannel; self.accessRules = accessRules
        self.abilities = abilities; self.management = management; self.geo = geo; self.clock = clock
        self.httpClient = httpClient; self.logger = logger
    }
}
