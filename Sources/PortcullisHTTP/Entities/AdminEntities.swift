import PortcullisCore

/// The admin API's entities (admin variants are never masked: render
/// them with `AdminServices.renderer`).
extension EntityRenderer {
    func listedUser(_ listed: ListedUser, profiles: Bool) -> JSONValue {
        if let kyc = listed.kyc { return userKYC(kyc) }
        var fields = user(listed.user, referralUID: listed.referralUID)
        if profiles { fields.append(("profiles", .array(listed.profiles.map(profile)))) }
        return .object(fields)
    }

    /// UserWithKYC: User + profiles, labels (with descriptions), phones,
    /// documents, data storages and comments.
    func userKYC(_ kyc: UserKYC) -> JSONValue {
        var fields = user(kyc.info.user, referralUID: kyc.info.referralUID)
        fields.append(("profiles", .array(kyc.info.profiles.map(profile))))
        fields.append(("labels", .array(kyc.labels.map(adminLabel))))
        fields.append(("phones", .array(kyc.info.phones.map(phone))))
        fields.append(("documents", .array(kyc.documents.map(adminDocument))))
        fields.append(("data_storages", .array(kyc.info.dataStorages.map(dataStorage))))
        fields.append(("comments", .array(kyc.comments.map(comment))))
        fields.append(("recovery_codes_remaining", .int(kyc.recoveryCodesRemaining)))
        return .object(fields)
    }

    func adminLabel(_ l: AdminLabel) -> JSONValue {
        .object([
            ("key", .string(l.key)), ("value", .string(l.value)), ("scope", .string(l.scope)),
            ("description", .string(l.description)),
            ("created_at", .string(Timestamp.iso8601(l.createdAt))), ("updated_at", .string(Timestamp.iso8601(l.updatedAt))),
        ])
    }

    func comment(_ c: Comment) -> JSONValue {
        .object([
            ("id", .int(c.id)), ("author_uid", .string(c.authorUID)), ("title", .string(c.title)), ("data", .string(c.data)),
            ("created_at", .string(Timestamp.iso8601(c.createdAt))), ("updated_at", .string(Timestamp.iso8601(c.updatedAt))),
        ])
    }

    func adminDocument(_ d: DocumentRecord) -> JSONValue {
        .object([
            ("upload", .string(d.upload)), ("doc_type", .string(d.docType)), ("doc_number", .string(d.docNumber)),
            ("doc_expire", .string(d.docExpire)), ("metadata", .string(d.metadata)),
            ("created_at", .string(Timestamp.iso8601(d.createdAt))), ("updated_at", .string(Timestamp.iso8601(d.createdAt))),
        ])
    }

    func permission(_ r: PermissionRecord) -> JSONValue {
        .object([
            ("id", .int(r.id)), ("action", .string(r.permission.action)), ("role", .string(r.permission.role)),
            ("verb", .string(r.permission.verb)), ("path", .string(r.permission.path)), ("topic", .string(r.permission.topic)),
            ("created_at", .string(Timestamp.iso8601(r.createdAt))), ("updated_at", .string(Timestamp.iso8601(r.updatedAt))),
        ])
    }

    func restriction(_ r: RestrictionRecord) -> JSONValue {
        .object([
            ("id", .int(r.id)), ("category", .string(r.restriction.category)), ("scope", .string(r.restriction.scope)),
            ("value", .string(r.restriction.value)), ("code", .int(r.restriction.code)), ("state", .string(r.state)),
            ("created_at", .string(Timestamp.iso8601(r.createdAt))), ("updated_at", .string(Timestamp.iso8601(r.updatedAt))),
        ])
    }

    func level(_ l: Level) -> JSONValue {
        .object([("id", .int(l.id)), ("key", .string(l.key)), ("value", .string(l.value))])
    }

    /// ActivityWithUser (`admin: false`) or AdminActivity (`admin: true`).
    func activity(_ row: ActivityWithActors, admin: Bool) -> JSONValue {
        let a = row.activity
        var fields: [(String, JSONValue)] = [
            ("user_ip", .string(a.userIP)), ("user_ip_country", .string(a.userIPCountry)), ("user_agent", .string(a.userAgent)),
            ("topic", .string(a.topic)), ("action", .string(a.action)), ("result", .string(a.result)), ("data", .string(a.data)),
        ]
        if admin {
            fields.append(("admin", .object(user(row.user, referralUID: nil))))
            fields.append(("target", row.target.map { .object(user($0, referralUID: nil)) } ?? .null))
        } else {
            fields.append(("user", .object(user(row.user, referralUID: nil))))
        }
        fields.append(("created_at", .string(Timestamp.iso8601(a.createdAt))))
        return .object(fields)
    }
}
