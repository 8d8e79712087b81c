import Foundation

/// `resource/phones…`.
public struct PhoneService: Sendable {
    let store: any Store
    let channel: any PhoneCodeChannel
    let userWriter: UserWriter
    let clock: any ServerClock
    let salt: String
    let resendInterval: Int64

    public init(store: any Store, channel: any PhoneCodeChannel, userWriter: UserWriter, clock: any ServerClock, salt: String,
                resendInterval: Int64 = 60) {
        self.store = store; self.channel = channel; self.userWriter = userWriter; self.clock = clock; self.salt = salt
        self.resendInterval = resendInterval
    }

    public static func validChannel(_ raw: String?) throws -> String {
        let value = raw ?? "sms"
        guard value == "sms" || value == "call" else { throw APIError(.unprocessable, ErrorKey.Phone.invalidChannel) }
        return value
    }

    /// The shared checks: a valid number no verified phone already holds.
    func validate(_ raw: String) async throws -> (PhoneNumber, Int64, [PhoneRecord]) {
        guard let number = PhoneNumber.parse(raw) else { throw APIError(.badRequest, ErrorKey.Phone.invalidNum) }
        let index = SaltedCRC32.index(number.digits, salt: salt)
        let holders = try await store.read { tx in try await tx.phones(numberIndex: index) }.filter { $0.number == number.digits }
        if holders.contains(where: { $0.validatedAt != nil }) { throw APIError(.badRequest, ErrorKey.Phone.numberExist) }
        return (number, index, holders)
    }

    public func list(for user: User) async throws -> [PhoneRecord] {
        try await store.read { tx in try await tx.phones(userID: user.id) }
    }

    public func add(_ raw: String, channel name: String, for user: User) async throws {
        let (number, index, holders) = try await validate(raw)
        if holders.contains(where: { $0.userID == user.id }) { throw APIError(.badRequest, ErrorKey.Phone.exists) }
        let code = Self.newCode()
        let now = clock.now()
        let interval = resendInterval
        try await store.write { tx in
            let phone = try await tx.insertPhone(PhoneRecord(id: 0, userID: user.id, country: number.region, number: number.digits,
                                                             code: code, validatedAt: nil), numberIndex: index, now: now)
            _ = try await tx.claimSlot(key: Self.resendKey(phone.id), interval: interval, now: now)
        }
        try await channel.deliver(to: number.digits, code: code, channel: name)
    }

    /// Re-sends the same code, at most once per `resendInterval` seconds per phone.
    public func sendCode(_ raw: String, channel name: String, for user: User) async throws {
        let (number, _, holders) = try await validate(raw)
        guard let phone = holders.first(where: { $0.userID == user.id }) else {
            throw APIError(.notFound, ErrorKey.Phone.doesntExist)
        }
        guard try await claimResend(phone.id, now: clock.now()) else { throw APIError(.tooManyRequests, ErrorKey.Phone.tooManyRequests) }
        try await channel.deliver(to: number.digits, code: phone.code, channel: name)
    }

    public func verify(_ raw: String, code: String, for user: User) async throws -> User {
        let (number, _, holders) = try await validate(raw)
        guard let phone = holders.first(where: { $0.userID == user.id }) else {
            throw APIError(.notFound, ErrorKey.Phone.doesntExist)
        }
        guard try await channel.check(digits: number.digits, submitted: code, stored: phone.code) else {
            throw APIError(.notFound, ErrorKey.Phone.verificationInvalid)
        }
        let now = clock.now()
        let userWriter = self.userWriter
        return try await store.write { tx in
            try await tx.markPhoneValidated(id: phone.id, now: now)
            return try await userWriter.setPrivateLabel("phone", "verified", on: user, in: tx, now: now)
        }
    }

    /// One send per phone per `resendInterval`, counted in the store so every instance agrees.
    private func claimResend(_ phoneID: Int64, now: Int64) async throws -> Bool {
        let interval = resendInterval
        return try await store.write { tx in try await tx.claimSlot(key: Self.resendKey(phoneID), interval: interval, now: now) }
    }

    static func resendKey(_ phoneID: Int64) -> String { "sms:\(phoneID)" }

    /// 5 random decimal digits (may start with 0), without modulo bias.
    static func newCode() -> String {
        var digits: [String] = []
        while digits.count < 5 {
            for byte in SecureRandom.bytes(8) where byte < 250 && digits.count < 5 { digits.append(String(byte % 10)) }
        }
        return digits.joined()
    }
}
