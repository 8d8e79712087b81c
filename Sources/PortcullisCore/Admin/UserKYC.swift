/// A user with everything an admin sees (Barong's `UserWithKYC`).
public struct UserKYC: Sendable {
    public var info: UserFullInfo
    public var labels: [AdminLabel]
    public var documents: [DocumentRecord]
    public var comments: [Comment]
    /// How many of the user's recovery codes are left (0 without a set); operators never see the codes.
    public var recoveryCodesRemaining: Int

    /// Reads it inside `tx`.
    public static func read(_ user: User, in tx: some UserRepository & KYCRepository & AdminRepository & RecoveryCodeRepository)
        async throws -> UserKYC {
        UserKYC(info: try await tx.fullInfo(of: user), labels: try await tx.adminLabels(userID: user.id),
                documents: try await tx.documents(userID: user.id), comments: try await tx.comments(userID: user.id),
                recoveryCodesRemaining: try await tx.recoveryCodeStatus(userID: user.id)?.remaining ?? 0)
    }
}

/// A user with the uid of its referrer, as list entities show it.
public struct ListedUser: Sendable {
    public var user: User
    public var referralUID: String?
    public var profiles: [Profile]
    /// Filled only where the list shows `UserWithKYC`.
    public var kyc: UserKYC?
}

extension Array where Element == User {
    /// Resolves referrers (and profiles or KYC when asked) inside `tx`.
    func listed(in tx: some UserRepository & KYCRepository & AdminRepository & RecoveryCodeRepository, profiles: Bool, kyc: Bool) async throws -> [ListedUser] {
        var referrers: [Int64: String] = [:]
        var result: [ListedUser] = []
        for user in self {
            var referralUID: String?
            if let id = user.referralID {
                if referrers[id] == nil { referrers[id] = try await tx.user(id: id)?.uid }
                referralUID = referrers[id]
            }
            let details = kyc ? try await UserKYC.read(user, in: tx) : nil
            let userProfiles = profiles && !kyc ? try await tx.profiles(userID: user.id) : (details?.info.profiles ?? [])
            result.append(ListedUser(user: user, referralUID: referralUID, profiles: userProfiles, kyc: details))
        }
        return result
    }
}
