/// Management `phones…`: phones written already verified.
public struct ManagementPhoneService: Sendable {
    let store: any Store
    let clock: any ServerClock
    let salt: String

    public init(store: any Store, clock: any ServerClock, salt: String) { self.store = store; self.clock = clock; self.salt = salt }

    public func list(uid: String) async throws -> [PhoneRecord] {
        try await store.read { tx in try await tx.phones(userID: try await Self.user(uid, in: tx).id) }
    }

    public func create(uid: String, number raw: String) async throws -> PhoneRecord {
        let now = clock.now()
        let salt = self.salt
        return try await store.write { tx in
            let user = try await Self.user(uid, in: tx)
            guard let number = PhoneNumber.parse(raw) else { throw ManagementError.sentence(.badRequest, ErrorKey.ManagementPhone.invalidNum) }
            let index = SaltedCRC32.index(number.digits, salt: salt)
            let holders = try await tx.phones(numberIndex: index).filter { $0.number == number.digits }
            if holders.contains(where: { $0.validatedAt != nil }) { throw ManagementError.sentence(.badRequest, ErrorKey.ManagementPhone.numberExist) }
            if holders.contains(where: { $0.userID == user.id }) { throw ManagementError.sentence(.badRequest, ErrorKey.ManagementPhone.exists) }
            var phone = try await tx.insertPhone(
                PhoneRecord(id: 0, userID: user.id, country: number.region, number: number.digits, code: "", validatedAt: nil),
                numberIndex: index, now: now
            )
            try await tx.markPhoneValidated(id: phone.id, now: now)
            phone.validatedAt = now
            return phone
        }
    }

    public func delete(uid: String, number raw: String) async throws -> PhoneRecord {
        try await store.write { tx in
            let user = try await Self.user(uid, in: tx)
            let digits = PhoneNumber.parse(raw)?.digits ?? PhoneNumber.sanitize(raw)
            guard let phone = try await tx.phones(userID: user.id).first(where: { $0.number == digits }) else {
                throw ManagementError.sentence(.unprocessable, ErrorKey.ManagementPhone.doesntExists)
            }
            try await tx.deletePhone(id: phone.id, userID: user.id)
            return phone
        }
    }

    static func user(_ uid: String, in tx: some UserRepository) async throws -> User {
        guard let user = try await tx.user(uid: uid) else { throw ManagementError.sentence(.unprocessable, ErrorKey.Record.userDoesntExist) }
        return user
    }
}
