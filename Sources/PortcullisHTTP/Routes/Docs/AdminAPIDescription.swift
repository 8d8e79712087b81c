/// The admin API's routes (`admin/…`), for `resource/swagger_doc`.
extension APIDescription {
    static let page = [o("page", "integer"), o("limit", "integer")]
    static let window = [o("range"), o("from", "integer"), o("to", "integer")]
    static let userFilters = [o("extended", "boolean"), o("uid"), o("email"), o("role"), o("country"), o("level", "integer"),
                              o("state")] + window + page
    static let restrictionFields = [o("state"), o("code", "integer")]

    static func admin(_ method: String, _ path: String, _ summary: String, _ params: [Param] = []) -> Operation {
        op(method, "/admin/" + path, summary, params, auth: true)
    }

    static let adminOperations: [Operation] = [
        admin("GET", "users", "Users", userFilters + [o("ordering"), o("order_by")]),
        admin("PUT", "users", "Change a user's state, 2FA or email", [r("uid"), o("state"), o("otp", "boolean"), o("email")]),
        admin("POST", "users/update", "Change a user's state or 2FA", [r("uid"), o("state"), o("otp", "boolean")]),
        admin("POST", "users/role", "Change a user's role", [r("uid"), r("role")]),
        admin("GET", "users/documents/pending", "Users with documents to review", userFilters + [o("first_name"), o("last_name")]),
        admin("DELETE", "users/data_storage", "Delete a data storage", [r("uid"), r("title")]),
        admin("GET", "users/{uid}", "One user with KYC data", [r("uid")]),
        admin("GET", "users/{uid}/sessions", "A user's sessions", [r("uid")]),
        admin("DELETE", "users/{uid}/sessions", "End every session of a user", [r("uid")]),
        admin("DELETE", "users/{uid}/sessions/{id}", "End one session of a user", [r("uid"), r("id")]),
        admin("GET", "users/labels", "Users having a label", [r("key"), r("value")] + page),
        admin("GET", "users/labels/list", "Private label counts"),
        admin("POST", "users/labels", "Add a label", [r("uid"), r("key"), r("value"), o("description"), o("scope")]),
        admin("POST", "users/labels/update", "Set or create a label",
              [r("uid"), r("key"), r("scope"), r("value"), o("description"), o("replace", "boolean")]),
        admin("PUT", "users/labels", "Change a label", [r("uid"), r("key"), r("scope"), r("value"), o("description")]),
        admin("DELETE", "users/labels", "Delete a label", [r("uid"), r("key"), r("scope")]),
        admin("POST", "users/comments", "Comment on a user", [r("uid"), r("title"), r("data")]),
        admin("PUT", "users/comments", "Change a comment", [Param("id", required: true, type: "integer"), o("title"), o("data")]),
        admin("DELETE", "users/comments", "Delete a comment", [Param("id", required: true, type: "integer")]),
        admin("GET", "permissions", "Permissions", page),
        admin("POST", "permissions", "Add a permission", [r("role"), r("verb"), r("path"), r("action"), o("topic")]),
        admin("PUT", "permissions", "Change a permission",
              [Param("id", required: true, type: "integer"), o("role"), o("verb"), o("path"), o("action"), o("topic")]),
        admin("DELETE", "permissions", "Delete a permission", [Param("id", required: true, type: "integer")]),
        admin("GET", "restrictions", "Restrictions", [o("scope"), o("category")] + window + page),
        admin("POST", "restrictions", "Add a restriction", [r("scope"), r("value"), r("category")] + restrictionFields),
        admin("PUT", "restrictions", "Change a restriction",
              [Param("id", required: true, type: "integer"), o("scope"), o("value"), o("category")] + restrictionFields),
        admin("DELETE", "restrictions", "Delete a restriction", [Param("id", required: true, type: "integer")]),
        admin("POST", "restrictions/whitelink", "A whitelist link token", [o("expire_time", "integer"), o("range")]),
        admin("GET", "profiles", "Profiles", page),
        admin("PUT", "profiles", "Decide a submitted profile", [r("uid"), r("state")]),
        admin("POST", "profiles", "Submit a profile for a user",
              [r("uid")] + ["first_name", "last_name", "dob", "address", "postcode", "city", "country"].map { o($0) }),
        admin("GET", "levels", "Levels"),
        admin("GET", "activities", "User activities", [o("topic"), o("action"), o("uid"), o("email"), o("from", "integer"),
                                                       o("to", "integer")] + page),
        admin("GET", "activities/admin", "Admin activities", [o("topic"), o("action"), o("uid"), o("email"), o("target_uid")]
              + window + page),
        admin("GET", "api_keys", "A user's API keys", [o("uid"), o("ordering"), o("order_by")] + page),
        admin("GET", "abilities", "The caller's abilities"),
        admin("GET", "metrics", "Dashboard counts", [o("created_from", "integer"), o("created_to", "integer")]),
        admin("GET", "oidc/clients", "OpenID Connect clients"),
        admin("POST", "oidc/clients", "Register an OpenID Connect client (JSON; lists are arrays)", [r("name")] + oidcClientFields),
        admin("GET", "oidc/clients/{client_id}", "One OpenID Connect client", [r("client_id")]),
        admin("PUT", "oidc/clients/{client_id}", "Change an OpenID Connect client", [r("client_id"), o("name")] + oidcClientFields),
        admin("DELETE", "oidc/clients/{client_id}", "Delete an OpenID Connect client", [r("client_id")]),
        admin("POST", "oidc/clients/{client_id}/secret", "A new secret for a confidential client", [r("client_id")]),
    ]

    /// The registration's optional fields (lists are JSON arrays of strings).
    static let oidcClientFields: [Param] = [
        o("redirect_uris"), o("post_logout_redirect_uris"), o("grant_types"), o("scopes"), o("service_account_uid"),
        o("access_token_lifetime", "integer"), o("refresh_token_lifetime", "integer"), o("id_token_lifetime", "integer"),
    ]
}
