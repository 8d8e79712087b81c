import PortcullisCore
import SQLKit

extension SQLTransaction {
    static let userColumns = "id, uid, email, username, password_digest, role, state, level, otp, referral_id, data, created_at, updated_at"

    func insertUser(_ user: NewUser) async throws -> User {
        try await mapDuplicate {
            let row = try await db.raw("""
                INSERT INTO users (uid, email, username, password_digest, role, state, level, otp, referral_id, data, created_at, updated_at)
                VALUES (\(bind: user.uid), \(bind: user.email), \(bind: user.username), \(bind: user.passwordDigest),
                        \(bind: user.role), \(bind: user.state.rawValue), 0, 0, \(bind: user.referralID), \(bind: user.data),
                        \(bind: user.now), \(bind: user.now))
                RETURNING \(unsafeRaw: Self.userColumns)
                """).first()
            guard let row else { throw DuplicateRecord(field: "email") }
            return try Self.user(from: row)
        }
    }

    func user(id: Int64) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE id = \(bind: id)").first().map(Self.user)
    }

    func user(uid: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE uid = \(bind: uid)").first().map(Self.user)
    }

    func user(email: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE email = \(bind: email)").first().map(Self.user)
    }

    func user(username: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE username = \(bind: username)").first().map(Self.user)
    }

    func updateUser(_ user: User) async throws {
        try await mapDuplicate {
            try await db.raw("""
                UPDATE users SET email = \(bind: user.email), username = \(bind: user.username),
                    password_digest = \(bind: user.passwordDigest), role = \(bind: user.role),
                    state = \(bind: user.state.rawValue), level = \(bind: user.level), otp = \(bind: user.otp ? 1 : 0),
                    data = \(bind: user.data), updated_at = \(bind: user.updatedAt)
                WHERE id = \(bind: user.id)
                """).run()
        }
    }

    func countUsers() async throws -> Int {
        let row = try await db.raw("SELECT COUNT(*) AS n FROM users").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    func fullInfo(of user: User) async throws -> UserFullInfo {
        var referralUID: String?
        if let referralID = user.referralID {
            referralUID = try await db.raw("SELECT uid FROM users WHERE id = \(bind: referralID)").first()?.string("uid")
        }
        let profiles = try await db.raw("""
            SELECT first_name, last_name, dob, address, postcode, city, country, state, metadata, created_at, updated_at
            FROM profiles WHERE user_id = \(bind: user.id) ORDER BY id
            """).all().map { row in
            Profile(
                firstName: try row.optionalString("first_name"), lastName: try row.optionalString("last_name"),
                dob: try row.optionalString("dob"), address: try row.optionalString("address"),
                postcode: try row.optionalString("postcode"), city: try row.optionalString("city"),
                country: try row.optionalString("country"), state: try row.string("state"),
                metadata: try row.optionalString("metadata"), createdAt: try row.int64("created_at"),
                updatedAt: try row.int64("updated_at")
            )
        }
        let phones = try await db.raw("""
            SELECT country, number_encrypted, validated_at FROM phones WHERE user_id = \(bind: user.id) ORDER BY id
            """).all().map { row in
            Phone(country: try row.string("country"), number: try row.string("number_encrypted"),
                  validatedAt: try row.optionalInt64("validated_at"))
        }
        let storages = try await db.raw("""
            SELECT title, data, created_at, updated_at FROM data_storages WHERE user_id = \(bind: user.id) ORDER BY id
            """).all().map { row in
            DataStorage(title: try row.string("title"), data: try row.string("data"),
                        createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at"))
        }
        return UserFullInfo(
            user: user, referralUID: referralUID, labels: try await labels(userID: user.id),
            phones: phones, profiles: profiles, dataStorages: storages
        )
    }

    static func user(from row: any SQLRow) throws -> User {
        User(
            id: try row.int64("id"), uid: try row.string("uid"), email: try row.string("email"),
            username: try row.optionalString("username"), passwordDigest: try row.string("password_digest"),
            role: try row.string("role"), state: UserState(rawValue: try row.string("state")) ?? .pending,
            level: try row.decode(column: "level", as: Int.self), otp: try row.decode(column: "otp", as: Int.self) != 0,
            referralID: try row.optionalInt64("referral_id"), data: try row.optionalString("data"),
            createdAt: try row.int64("created_at"), updatedAt: try row.int64("updated_at")
        )
    }
}
