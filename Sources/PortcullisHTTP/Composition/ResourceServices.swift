import PortcullisCore
import PortcullisIntegrations

/// What `resource/*` uses: the caller's own account, keys, second factors,
/// KYC records, sessions and passkeys, and the gate every route passes.
struct ResourceServices: Sendable {
    let auth: ResourceAuthMiddleware
    let accounts: AccountService
    let activities: ActivityService
    let freeze: FreezeService
    let antiPhishing: AntiPhishingService
    let devices: DeviceService
    let oidcGrants: OIDCGrantService
    /// `users/me` bodies, reused while the caller's full info is unchanged.
    let meBodies: RenderedBodyCache
    let otp: OTPService
    let apiKeys: APIKeyService
    let labels: LabelService
    let dataStorage: DataStorageService
    let profiles: ProfileService
    let phones: PhoneService
    let documents: DocumentService
    let sessionList: SessionListService
    let passkeys: PasskeyRegistration
    let renderer: EntityRenderer
    let cookie: SessionCookie

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices) -> ResourceServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        return ResourceServices(
            auth: shared.resourceAuth,
            accounts: AccountService(store: store, hasher: inputs.hasher, policy: shared.policy, userWriter: shared.userWriter, clock: clock,
                                     cache: shared.cache, events: shared.events, reauth: shared.reauth),
            activities: ActivityService(store: store), freeze: shared.freeze,
            antiPhishing: AntiPhishingService(store: store, box: inputs.secretBox, reauth: shared.reauth, clock: clock),
            devices: DeviceService(store: store, clock: clock),
            oidcGrants: OIDCGrantService(store: store, events: shared.events, clock: clock), meBodies: RenderedBodyCache(), otp: shared.otp,
            apiKeys: APIKeyService(store: store, box: inputs.secretBox, otp: shared.otp, clock: clock, events: shared.events),
            labels: LabelService(store: store, events: shared.events, clock: clock),
            dataStorage: DataStorageService(store: store, userWriter: shared.userWriter, events: shared.events, clock: clock,
                                            allowedTitles: config.userStorageTitles),
            profiles: shared.kyc.profiles,
            phones: PhoneService(store: store, channel: inputs.phoneChannel, userWriter: shared.userWriter, clock: clock, salt: config.crc32Salt),
            documents: shared.kyc.documents, sessionList: shared.sessionList,
            passkeys: PasskeyRegistration(store: store, clock: clock, cbor: LibCBORDecoder(), settings: config.passkeySettings,
                                          reauth: shared.reauth),
            renderer: shared.renderer, cookie: shared.cookie
        )
    }
}
