import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisHTTP
import PortcullisStore

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage users.", subcommands: [Create.self, Import.self])

    /// Creates a user from the command line (the first admin, typically).
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var options: ConfigOptions
        @Option(name: .long) var email: String
        @Option(name: .long) var password: String
        @Option(name: .long) var role: String = "member"
        @Option(name: .long) var state: String = "active"

        func run() async throws {
            let config = try options.load()
            LogSetup.bootstrap(config)
            guard let userState = UserState(rawValue: state) else {
                throw ValidationError("--state must be one of \(UserState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let normalized = EmailAddress.normalize(email) else { throw ValidationError("--email is not a valid address") }
            let policy = try PasswordPolicy(config: config)
            if let key = policy.violation(of: password) { throw ValidationError("--password fails the policy: \(key)") }
            let runtime = try await Runtime.open(config: config, logger: Logger(label: "portcullis"), migrate: true, needsKey: false)
            let hasher = BcryptPasswordHasher(cost: config.bcryptCost, maxConcurrent: 1)
            let digest = await hasher.hash(password)
            let userWriter = UserWriter(rules: UserStatusRules(activationRequirements: config.activationRequirements),
                                        events: EventWriter(domain: config.domain, routing: EventSinks.routing(config: config)))
            let uid = UIDGenerator(prefix: config.uidPrefix).next()
            let (role, now) = (self.role, SystemClock().now())
            do {
                let user = try await runtime.store.write { tx in
                    var user = try await tx.insertUser(NewUser(
                        uid: uid, email: normalized, username: nil, passwordDigest: digest, role: role,
                        state: .pending, referralID: nil, data: nil, now: now
                    ))
                    try await userWriter.events?.userCreated(user, in: tx, now: now)
                    if userState == .active {
                        user = try await userWriter.setPrivateLabel("email", "verified", on: user, in: tx, now: now)
                    } else if userState != .pending {
                        let old = user
                        user.state = userState
                        // An operator's state holds: label changes do not lift it.
                        if UserStatusRules.operatorStates.contains(userState) { try await tx.holdState(userID: user.id, userState, now: now) }
                        try await userWriter.save(user, was: old, in: tx, now: now)
                    }
                    return user
                }
                print("created \(user.uid) \(user.email) role=\(user.role) state=\(user.state.rawValue)")
            } catch is DuplicateRecord {
                await runtime.store.close()
                FileHandle.standardError.write(Data("portcullis: a user with this email already exists\n".utf8))
                throw ExitCode(1)
            }
            await runtime.store.close()
        }
    }
}
