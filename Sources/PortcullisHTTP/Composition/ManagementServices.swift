import PortcullisCore
import PortcullisIntegrations

/// What `management/*` uses: the signature gate and the server-to-server
/// services, some shared with the admin API.
struct ManagementServices: Sendable {
    let gate: ManagementGate
    let users: ManagementUserService
    let accounts: ManagementAccountService
    let phones: ManagementPhoneService
    let apiKeys: ManagementAPIKeyService
    let otp: ManagementOTPService
    let adminUsers: AdminUserService
    let adminLabels: AdminLabelService
    let renderer: EntityRenderer
    let clock: any ServerClock

    static func make(_ inputs: CompositionInputs, _ shared: SharedServices, admin: AdminServices) -> ManagementServices {
        let (config, store, clock) = (inputs.config, inputs.store, inputs.clock)
        return ManagementServices(
            gate: ManagementGate(
                config: inputs.management?.config, verifier: inputs.management?.keychain ?? ManagementKeychain(keys: [:]),
                store: store, clock: clock, requireExp: config.managementAPIRequireExp, lowSOnly: config.managementAPILowSOnly
            ),
            users: ManagementUserService(
                store: store, hasher: inputs.hasher, policy: shared.policy, uids: shared.uids, userWriter: shared.userWriter,
                profiles: shared.kyc.profiles, documents: shared.kyc.documents, clock: clock, salt: config.crc32Salt
            ),
            accounts: ManagementAccountService(store: store, clock: clock),
            phones: ManagementPhoneService(store: store, clock: clock, salt: config.crc32Salt),
            apiKeys: ManagementAPIKeyService(store: store, box: inputs.secretBox, clock: clock, uidPrefix: config.uidPrefix,
                                             forUsers: config.mgnAPIKeysUser, forServiceAccounts: config.mgnAPIKeysSA),
            otp: ManagementOTPService(store: store, otp: shared.otp, signer: shared.serverSigner, clock: clock),
            adminUsers: admin.users, adminLabels: admin.labels, renderer: admin.renderer, clock: clock
        )
    }
}
