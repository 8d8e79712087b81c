import PortcullisCore

extension EntityRenderer {
    /// APIKey; `secret` only in the create response.
    func apiKey(_ key: APIKey, secret: Secret? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("kid", .string(key.kid)), ("algorithm", .string(key.algorithm)),
            ("scope", .array(key.scope.map(JSONValue.string))), ("state", .string(key.state)),
        ]
        if let secret { fields.append(("secret", .string(secret.value))) }
        fields.append(("created_at", .string(Timestamp.iso8601(key.createdAt))))
        fields.append(("updated_at", .string(Timestamp.iso8601(key.updatedAt))))
        return .object(fields)
    }

    /// ServiceAccounts: the account and its owner as a User.
    func serviceAccount(_ account: ServiceAccount, owner: User, ownerReferralUID: String?) -> JSONValue {
        .object([
            ("email", .string(account.email)), ("uid", .string(account.uid)), ("role", .string(account.role)),
            ("level", .int(account.level)), ("state", .string(account.state)),
            ("user", .object(user(owner, referralUID: ownerReferralUID))),
            ("created_at", .string(Timestamp.iso8601(account.createdAt))),
            ("updated_at", .string(Timestamp.iso8601(account.updatedAt))),
        ])
    }
}

extension EntityRenderer {
    /// Document as the user route shows it: `upload` is the stored file's
    /// random name (files are never served back by path).
    func document(_ d: DocumentRecord) -> JSONValue {
        .object([
            ("upload", .string(d.upload)), ("doc_type", .string(d.docType)),
            ("doc_number", .string(maskingEnabled ? d.docNumber.map(Masking.documentNumber) : d.docNumber)),
            ("doc_expire", .string(d.docExpire)),
        ])
    }
}
