import PortcullisCore

/// Passkeys and the WebAuthn options, with byte
/// fields base64url as `PublicKeyCredential*Options.toJSON()` shapes them.
enum PasskeyEntity {
    static func render(_ passkey: Passkey) -> JSONValue {
        .object([
            ("id", .int(Int(passkey.id))),
            ("name", .string(passkey.name)),
            ("created_at", .string(Timestamp.iso8601(passkey.createdAt))),
            ("last_used_at", passkey.lastUsedAt.map { .string(Timestamp.iso8601($0)) } ?? .null),
            ("transports", .array(passkey.transports.map(JSONValue.string))),
            ("backed_up", .bool(passkey.backedUp)),
        ])
    }

    static func creation(_ options: PasskeyRegistration.CreationOptions) -> JSONValue {
        .object([
            ("rp", .object([("id", .string(options.rpID)), ("name", .string(options.rpName))])),
            ("user", .object([("id", .string(options.userHandle)), ("name", .string(options.userName)),
                              ("displayName", .string(options.userName))])),
            ("challenge", .string(options.challenge)),
            ("pubKeyCredParams", .array(COSEKey.allowedAlgorithms.map { algorithm in
                .object([("type", .string("public-key")), ("alg", .int(Int(algorithm)))])
            })),
            ("timeout", .int(Int(options.timeoutMS))),
            ("excludeCredentials", .array(options.exclude.map { descriptor(id: $0.credentialID, transports: $0.transports) })),
            ("authenticatorSelection", .object([("residentKey", .string("preferred")), ("userVerification", .string("required"))])),
            ("attestation", .string("none")),
        ])
    }

    static func request(_ options: PasskeyLogin.RequestOptions) -> JSONValue {
        .object([
            ("challenge", .string(options.challenge)),
            ("rpId", .string(options.rpID)),
            ("timeout", .int(Int(options.timeoutMS))),
            ("allowCredentials", .array(options.allow.map { descriptor(id: $0.id, transports: $0.transports) })),
            ("userVerification", .string("required")),
        ])
    }

    private static func descriptor(id: String, transports: [String]) -> JSONValue {
        .object([("type", .string("public-key")), ("id", .string(id)), ("transports", .array(transports.map(JSONValue.string)))])
    }
}
