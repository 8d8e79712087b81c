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

    // Every way of reading one user locks the row in a PostgreSQL write
    // transaction: `updateUser` writes the whole row back, so a
    // row read without the lock could undo what another instance committed
    // in between (a role change reverting a password change). A read
    // transaction takes no lock.

    func user(id: Int64) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE id = \(bind: id)\(unsafeRaw: rowLock)")
            .first().map(Self.user)
    }

    func user(uid: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE uid = \(bind: uid)\(unsafeRaw: rowLock)")
            .first().map(Self.user)
    }

    func user(email: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE email = \(bind: email)\(unsafeRaw: rowLock)")
            .first().map(Self.user)
    }

    func user(username: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE username = \(bind: username)\(unsafeRaw: rowLock)")
            .first().map(Self.user)
    }

    func updateUser(_ user: User) async throws {
        changes.touch(userID: user.id)
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

    func lockUser(id: Int64) async throws {
        guard locksRows else { return }
        try await db.raw("SELECT id FROM users WHERE id = \(bind: id) FOR UPDATE").run()
    }

    func serializeUserCount() async throws {
        guard flavor == .postgres else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.userCountLockKey)))").run()
    }

    /// An arbitrary fixed key ("PCUSRC" in ASCII) naming the user-count lock.
    static let userCountLockKey: Int64 = 0x5043_5553_5243

    func countUsers() async throws -> Int {
        let row = try await db.raw("SELECT COUNT(*) AS n FROM users").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Everything `UserWithFullInfo` shows, in one statement (JSON
    /// aggregates), since `users/me` is the hottest read.
    func fullInfo(of user: User) async throws -> UserFullInfo {
        let labelsSQL = jsonRows("key, value, scope, created_at, updated_at", from: "labels", userID: user.id)
        let phonesSQL = jsonRows("country, number_encrypted, validated_at", from: "phones", userID: user.id)
        let profilesSQL = jsonRows("""
            first_name, last_name, dob, address, postcode, city, country, state, metadata, created_at, updated_at
            """, from: "profiles", userID: user.id)
        let storagesSQL = jsonRows("title, data, created_at, updated_at", from: "data_storages", userID: user.id)
        let breachMark = BreachScreen.mark(of: user.passwordDigest)
        let row = try await db.raw("""
            SELECT (SELECT uid FROM users WHERE id = \(bind: user.referralID)) AS referral_uid,
                   \(labelsSQL) AS labels, \(phonesSQL) AS phones, \(profilesSQL) AS profiles, \(storagesSQL) AS data_storages,
                   (SELECT COUNT(*) FROM password_breaches
                     WHERE user_id = \(bind: user.id) AND digest_mark = \(bind: breachMark)) AS password_breached
            """).first()
        guard let row else { throw DuplicateRecord(field: "user") }
        let labels = try JSONRows(row.string("labels")).map { r in
            Label(key: r.string(0), value: r.string(1), scope: r.string(2), createdAt: r.int(3), updatedAt: r.int(4))
        }
        let phones = try JSONRows(row.string("phones")).map { r in
            Phone(country: r.string(0), number: try open(r.string(1)) ?? "", validatedAt: r.optionalInt(2))
        }
        let profiles = try JSONRows(row.string("profiles")).map { r in
            Profile(
                firstName: try open(r.optionalString(0)), lastName: try open(r.optionalString(1)), dob: try open(r.optionalString(2)),
                address: try open(r.optionalString(3)), postcode: r.optionalString(4), city: r.optionalString(5),
                country: r.optionalString(6), state: r.string(7), metadata: r.optionalString(8),
                createdAt: r.int(9), updatedAt: r.int(10)
            )
        }
        let storages = try JSONRows(row.string("data_storages")).map { r in
            DataStorage(title: r.string(0), data: r.string(1), createdAt: r.int(2), updatedAt: r.int(3))
        }
        return UserFullInfo(
            user: user, referralUID: try row.optionalString("referral_uid"), labels: labels,
            phones: phones, profiles: profiles, dataStorages: storages,
            passwordBreached: try row.decode(column: "password_breached", as: Int.self) > 0
        )
    }

    /// A user's rows of `table` as one JSON array of arrays of `columns`, by id.
    private func jsonRows(_ columns: String, from table: String, userID: Int64) -> SQLQueryString {
        switch flavor {
        case .sqlite:
            return """
                (SELECT json_group_array(json_array(\(unsafeRaw: columns)))
                   FROM (SELECT * FROM \(unsafeRaw: table) WHERE user_id = \(bind: userID) ORDER BY id))
                """
        case .postgres:
            return """
                (SELECT coalesce(json_agg(json_build_array(\(unsafeRaw: columns)) ORDER BY id), '[]')::text
                   FROM \(unsafeRaw: table) WHERE user_id = \(bind: userID))
                """
        }
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
