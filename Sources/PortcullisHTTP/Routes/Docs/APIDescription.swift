/// The routes of the public, identity, resource and admin groups with their
/// parameters (and, with `oidc_enabled`, the OpenID Connect provider's):
/// the source of `resource/swagger_doc`. A router test checks it against
/// the routes actually registered, so the two cannot drift.
enum APIDescription {
    struct Param {
        let name: String
        let required: Bool
        let type: String
        /// The only values taken, when they are few.
        var values: [String]?
        init(_ name: String, required: Bool = false, type: String = "string", values: [String]? = nil) {
            self.name = name; self.required = required; self.type = type; self.values = values
        }
    }

    struct Operation {
        let method: String
        let path: String
        let summary: String
        let params: [Param]
        let authenticated: Bool
        /// The security definition (nil: none, or `BearerToken` when authenticated).
        var security: String?
        /// What the answer may be, when not only JSON.
        var produces: [String]?
        /// A body is a form only (OAuth's endpoints), not multipart too.
        var formOnly = false
    }

    static func op(_ method: String, _ path: String, _ summary: String, _ params: [Param] = [], auth: Bool = false) -> Operation {
        Operation(method: method, path: path, summary: summary, params: params, authenticated: auth)
    }

    static func r(_ name: String) -> Param { Param(name, required: true) }
    static func o(_ name: String, _ type: String = "string") -> Param { Param(name, type: type) }

    static let info: [Operation] = ["public", "identity"].flatMap { group in
        [
            op("GET", "/\(group)/ping", "Liveness"),
            op("GET", "/\(group)/time", "Server time"),
            op("GET", "/\(group)/version", "Version"),
            op("GET", "/\(group)/configs", "Public settings"),
            op("POST", "/\(group)/password/validate", "Password entropy", [r("password")]),
        ]
    }

    static let operations: [Operation] = info + [
        op("GET", "/public/configs/auth0", "Auth0 settings"),
        op("GET", "/public/jwks", "Key that verifies authorize's JWTs"),
        op("POST", "/public/kyc", "KYCAID callback", [o("verification_id"), o("applicant_id")]),
        op("POST", "/identity/users", "Sign up", [r("email"), r("password"), o("username"), o("refid"), o("data"), o("captcha_response")]),
        op("GET", "/identity/users/register_geetest", "Geetest challenge"),
        op("POST", "/identity/users/access", "Whitelist the caller's IP", [r("whitelink_token")]),
        op("POST", "/identity/users/email/generate_code", "Send a confirmation email", [r("email"), o("captcha_response")]),
        op("POST", "/identity/users/email/confirm_code", "Confirm an email", [r("token")]),
        op("POST", "/identity/users/password/generate_code", "Send a password reset email", [r("email"), o("captcha_response")]),
        op("POST", "/identity/users/password/confirm_code", "Reset a password",
           [r("reset_password_token"), r("password"), r("confirm_password")]),
        op("POST", "/identity/users/freeze", "Freeze an account from a security mail's link", [r("token")]),
        op("POST", "/identity/sessions", "Log in", [r("email"), r("password"), o("otp_code"), o("recovery_code"), o("captcha_response")]),
        op("DELETE", "/identity/sessions", "Log out"),
        op("POST", "/identity/sessions/auth0", "Log in with Auth0", [r("id_token"), o("otp_code")]),
        op("POST", "/identity/sessions/passkey/options", "Options to sign in with a passkey", [o("email")]),
        op("POST", "/identity/sessions/passkey", "Sign in with a passkey", [r("credential")]),
        op("GET", "/resource/users/me", "Current user", auth: true),
        op("PUT", "/resource/users/me", "Update data", [r("data")], auth: true),
        op("DELETE", "/resource/users/me", "Delete the account", [r("password"), o("otp_code"), o("webauthn")], auth: true),
        op("GET", "/resource/devices", "The browsers I signed in from", auth: true),
        op("DELETE", "/resource/devices/{id}", "Forget a device (its next sign-in alerts again)", [r("id")], auth: true),
        op("GET", "/resource/oidc/grants", "The apps I let sign me in (OpenID Connect)", auth: true),
        op("DELETE", "/resource/oidc/grants/{client_id}", "Withdraw an app's approval; its tokens end", [r("client_id")], auth: true),
        op("POST", "/resource/users/freeze", "Freeze my account (this wasn't me)", [r("password")], auth: true),
        op("PUT", "/resource/users/anti_phishing", "Set my anti-phishing code", [r("code"), r("password"), o("otp_code"), o("webauthn")],
           auth: true),
        op("DELETE", "/resource/users/anti_phishing", "Clear my anti-phishing code", [r("password"), o("otp_code"), o("webauthn")],
           auth: true),
        op("PUT", "/resource/users/password", "Change password", [r("old_password"), r("new_password"), r("confirm_password"), o("otp_code"), o("webauthn")], auth: true),
        op("GET", "/resource/users/activity/{topic}", "Activities",
           [r("topic"), o("time_from", "integer"), o("time_to", "integer"), o("result"), o("page", "integer"), o("limit", "integer")], auth: true),
        op("POST", "/resource/otp/generate_qrcode", "New 2FA secret", auth: true),
        op("POST", "/resource/otp/enable", "Enable 2FA", [r("code")], auth: true),
        op("POST", "/resource/otp/disable", "Disable 2FA", [o("code"), o("webauthn")], auth: true),
        op("POST", "/resource/otp/verify", "Check a 2FA code", [r("code")], auth: true),
        op("POST", "/resource/otp/recovery_codes", "New recovery codes (replaces the set; shown once)", [o("code"), o("webauthn")], auth: true),
        op("GET", "/resource/otp/recovery_codes", "How many recovery codes are left", auth: true),
        op("GET", "/resource/api_keys", "API keys",
           [o("ordering"), o("order_by"), o("page", "integer"), o("limit", "integer")], auth: true),
        op("POST", "/resource/api_keys", "Create an API key", [r("algorithm"), o("scope"), o("totp_code"), o("webauthn")], auth: true),
        op("PATCH", "/resource/api_keys/{kid}", "Update an API key", [r("kid"), o("scope"), o("state"), o("totp_code"), o("webauthn")], auth: true),
        op("DELETE", "/resource/api_keys/{kid}", "Delete an API key", [r("kid"), o("totp_code"), o("webauthn")], auth: true),
        op("GET", "/resource/sessions", "My sessions", auth: true),
        op("POST", "/resource/passkeys/options", "Options to create a passkey", [o("password"), o("otp_code"), o("webauthn")], auth: true),
        op("POST", "/resource/passkeys/step_up/options", "A step-up challenge for one action (otp_sign: for one payload)",
           [r("action"), o("payload")], auth: true),
        op("POST", "/resource/passkeys", "Register a passkey", [r("name"), r("credential")], auth: true),
        op("GET", "/resource/passkeys", "My passkeys", auth: true),
        op("DELETE", "/resource/passkeys/{id}", "Delete a passkey", [r("id")], auth: true),
        op("DELETE", "/resource/sessions", "End my other sessions", auth: true),
        op("DELETE", "/resource/sessions/{id}", "End one of my sessions", [r("id")], auth: true),
        op("GET", "/resource/service_accounts", "Service accounts", auth: true),
        op("GET", "/resource/service_accounts/api_keys", "Service account keys",
           [r("service_account_uid"), o("ordering"), o("order_by"), o("page", "integer"), o("limit", "integer")], auth: true),
        op("POST", "/resource/service_accounts/api_keys", "Create a service account key",
           [r("service_account_uid"), r("algorithm"), o("scope"), o("totp_code"), o("webauthn")], auth: true),
        op("PUT", "/resource/service_accounts/api_keys/{kid}", "Update a service account key",
           [r("kid"), r("service_account_uid"), o("scope"), o("state"), o("totp_code"), o("webauthn")], auth: true),
        op("DELETE", "/resource/service_accounts/api_keys/{kid}", "Delete a service account key",
           [r("kid"), r("service_account_uid"), o("totp_code"), o("webauthn")], auth: true),
        op("GET", "/resource/labels", "Labels", [o("ordering")], auth: true),
        op("POST", "/resource/labels", "Create a public label", [r("key"), r("value")], auth: true),
        op("GET", "/resource/labels/{key}", "One label", [r("key")], auth: true),
        op("PATCH", "/resource/labels/{key}", "Change a public label", [r("key"), r("value")], auth: true),
        op("DELETE", "/resource/labels/{key}", "Delete a public label", [r("key")], auth: true),
        op("POST", "/resource/data_storage", "Store data", [r("title"), r("data")], auth: true),
        op("GET", "/resource/profiles/me", "Profiles", auth: true),
        op("POST", "/resource/profiles", "Create a profile", profileParams, auth: true),
        op("PUT", "/resource/profiles", "Update the draft profile", profileParams, auth: true),
        op("GET", "/resource/phones", "Phones", auth: true),
        op("POST", "/resource/phones", "Add a phone", [r("phone_number"), o("channel")], auth: true),
        op("POST", "/resource/phones/send_code", "Resend the code", [r("phone_number"), o("channel")], auth: true),
        op("POST", "/resource/phones/verify", "Verify a phone", [r("phone_number"), r("verification_code")], auth: true),
        op("GET", "/resource/documents", "Documents", auth: true),
        op("POST", "/resource/documents", "Upload documents (multipart: upload[] files)",
           [r("doc_type"), r("doc_number"), o("doc_expire"), o("doc_category"), o("identificator"), o("metadata")], auth: true),
        op("POST", "/resource/addresses", "Upload proofs of address (multipart: upload files)",
           [r("country"), r("address"), r("city"), r("postcode")], auth: true),
        op("GET", "/resource/swagger_doc", "This document"),
        op("GET", "/resource/swagger_doc/{name}", "This document, one route family", [r("name")]),
    ] + adminOperations

    static let profileParams = ["first_name", "last_name", "dob", "address", "postcode", "city", "country", "metadata"].map { o($0) }
        + [o("confirm", "boolean")]
}
