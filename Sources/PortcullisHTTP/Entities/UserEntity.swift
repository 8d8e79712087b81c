import PortcullisCore

/// The API's entities, rendered with their fixed field order and nulls.
struct EntityRenderer: Sendable {
    let maskingEnabled: Bool

    func user(_ user: User, referralUID: String?) -> [(String, JSONValue)] {
        [
            ("email", .string(user.email)),
            ("username", .string(user.username)),
            ("uid", .string(user.uid)),
            ("role", .string(user.role)),
            ("level", .int(user.level)),
            ("otp", .bool(user.otp)),
            ("state", .string(user.state.rawValue)),
            ("referral_uid", .string(referralUID)),
            ("data", .string(user.data)),
            ("created_at", .string(Timestamp.iso8601(user.createdAt))),
            ("updated_at", .string(Timestamp.iso8601(user.updatedAt))),
        ]
    }

    /// UserWithFullInfo; `csrfToken` only in responses that open a session.
    func fullInfo(_ info: UserFullInfo, csrfToken: String? = nil) -> JSONValue {
        var fields = user(info.user, referralUID: info.referralUID)
        if let csrfToken { fields.append(("csrf_token", .string(csrfToken))) }
        fields.append(("labels", .array(info.labels.map(label))))
        fields.append(("phones", .array(info.phones.map(phone))))
        fields.append(("profiles", .array(info.profiles.map(profile))))
        fields.append(("data_storages", .array(info.dataStorages.map(dataStorage))))
        // Beyond Barong, and only when true: the contract's shape is otherwise unchanged.
        if info.passwordBreached { fields.append(("password_breached", .bool(true))) }
        return .object(fields)
    }

    func label(_ label: Label) -> JSONValue {
        .object([
            ("key", .string(label.key)), ("value", .string(label.value)), ("scope", .string(label.scope)),
            ("created_at", .string(Timestamp.iso8601(label.createdAt))),
            ("updated_at", .string(Timestamp.iso8601(label.updatedAt))),
        ])
    }

    func phone(_ phone: Phone) -> JSONValue {
        let number = maskingEnabled ? Masking.phone(phone.number, countryCodeLength: PhoneCountryCode.length(of: phone.number)) : phone.number
        return .object([
            ("country", .string(phone.country)), ("number", .string(number)),
            ("validated_at", .string(phone.validatedAt.map(Timestamp.iso8601))),
        ])
    }

    func profile(_ p: Profile) -> JSONValue {
        .object([
            ("first_name", .string(p.firstName)),
            ("last_name", .string(maskingEnabled ? p.lastName.map(Masking.lastName) : p.lastName)),
            ("dob", .string(maskingEnabled ? p.dob.map(Masking.dateOfBirth) : p.dob)),
            ("address", .string(p.address)), ("postcode", .string(p.postcode)), ("city", .string(p.city)),
            ("country", .string(p.country)), ("state", .string(p.state)), ("metadata", .string(p.metadata)),
            ("created_at", .string(Timestamp.iso8601(p.createdAt))), ("updated_at", .string(Timestamp.iso8601(p.updatedAt))),
        ])
    }

    func dataStorage(_ d: DataStorage) -> JSONValue {
        .object([
            ("title", .string(d.title)), ("data", .string(d.data)),
            ("created_at", .string(Timestamp.iso8601(d.createdAt))), ("updated_at", .string(Timestamp.iso8601(d.updatedAt))),
        ])
    }

    func activity(_ a: Activity) -> JSONValue {
        .object([
            ("id", .int(a.id)), ("user_ip", .string(a.userIP)), ("user_ip_country", .string(a.userIPCountry)),
            ("user_agent", .string(a.userAgent)), ("topic", .string(a.topic)), ("action", .string(a.action)),
            ("result", .string(a.result)), ("data", .string(a.data)), ("created_at", .string(Timestamp.iso8601(a.createdAt))),
        ])
    }
}
