import Logging
import PortcullisCore
import PortcullisIntegrations

/// The authorize call as both listeners make it, and what every request
/// passes first: who the client is, and whether restrictions let it in.
struct GatewayServices: Sendable {
    let call: GatewayCall
    let resolver: ClientResolver
    let restrictions: RestrictionGuard
    let cookie: SessionCookie

    /// `oidcBearers`: the OpenID Connect tokens authorize accepts (with `oidc_gateway_tokens`), or nil.
    static func make(_ inputs: CompositionInputs, _ shared: SharedServices,
                     oidcBearers: (any BearerAccessVerifier)?) async throws -> GatewayServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        let authorize = AuthorizeService(
            rules: inputs.accessRules, sessions: shared.sessions,
            apiKeys: APIKeyAuthenticator(store: store, box: inputs.secretBox, cache: shared.cache, clock: clock,
                                         nonceLifetimeMS: config.apikeyNonceLifetime),
            permissions: shared.permissionGate,
            issuer: try await JWTAccessTokenIssuer.make(privateKeyPEM: inputs.privateKeyPEM, clock: clock,
                                                        lifetime: config.jwtExpireTime),
            csrfProtection: config.csrfProtection, oidcBearers: oidcBearers, operatorRoles: Set(inputs.abilities.roles).union(inputs.abilities.entries.keys)
        )
        return GatewayServices(
            call: GatewayCall(authorize: authorize, restrictions: shared.restrictions, logger: inputs.logger),
            resolver: ClientResolver(trusted: .forConfig(config), geo: inputs.geo, akamai: config.gateway == .akamai),
            restrictions: shared.restrictions, cookie: shared.cookie
        )
    }
}

/// Work that runs beside the listeners: the outbox delivering events, and
/// the sweep of expired records.
struct BackgroundServices: Sendable {
    let outbox: OutboxWorker
    let outboxService: OutboxService
    let expired: ExpiredRecords

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices) -> BackgroundServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        let sinks = EventSinks.make(config: config, mailer: inputs.mailer, signer: shared.serverSigner, client: inputs.httpClient,
                                    kycaid: shared.kyc.sink, freeze: shared.freeze, clock: clock)
        let outbox = OutboxWorker(store: store, sinks: sinks, clock: clock, logger: inputs.logger,
                                  maxDelay: config.outboxMaxRetryDelay, lease: config.outboxLease)
        let service = OutboxService(worker: outbox)
        store.addCommitObserver(service)
        return BackgroundServices(outbox: outbox, outboxService: service, expired: ExpiredRecords(store: store, clock: clock))
    }

    func sweeper(logger: Logger) -> SessionSweeper {
        SessionSweeper(records: expired, interval: .seconds(600), logger: logger)
    }
}
