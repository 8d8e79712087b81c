/// The PostgreSQL migrations, embedded in the binary in the order they apply.
/// Each file mirrors the SQLite file of the same name in `Migrations/sqlite/`.
/// Add a new file here, to `Package.swift` and to this list.
public enum PostgresMigrations {
    public static let all: [(name: String, sql: String)] = [
        ("0001_init", String(decoding: PackageResources._001_init_sql, as: UTF8.self)),
        ("0002_default_permissions", String(decoding: PackageResources._002_default_permissions_sql, as: UTF8.self)),
        ("0003_shared_limits", String(decoding: PackageResources._003_shared_limits_sql, as: UTF8.self)),
        ("0004_uploads", String(decoding: PackageResources._004_uploads_sql, as: UTF8.self)),
        ("0005_one_reset_secret", String(decoding: PackageResources._005_one_reset_secret_sql, as: UTF8.self)),
        ("0006_admin", String(decoding: PackageResources._006_admin_sql, as: UTF8.self)),
        ("0007_service_accounts_without_owner",
         String(decoding: PackageResources._007_service_accounts_without_owner_sql, as: UTF8.self)),
        ("0008_state_holds", String(decoding: PackageResources._008_state_holds_sql, as: UTF8.self)),
        ("0009_event_sinks", String(decoding: PackageResources._009_event_sinks_sql, as: UTF8.self)),
        ("0010_session_details", String(decoding: PackageResources._010_session_details_sql, as: UTF8.self)),
        ("0011_login_throttle", String(decoding: PackageResources._011_login_throttle_sql, as: UTF8.self)),
        ("0012_passkeys", String(decoding: PackageResources._012_passkeys_sql, as: UTF8.self)),
        ("0013_console_sessions", String(decoding: PackageResources._013_console_sessions_sql, as: UTF8.self)),
        ("0014_devices", String(decoding: PackageResources._014_devices_sql, as: UTF8.self)),
        ("0015_recovery_codes", String(decoding: PackageResources._015_recovery_codes_sql, as: UTF8.self)),
        ("0016_step_up", String(decoding: PackageResources._016_step_up_sql, as: UTF8.self)),
        ("0017_anti_phishing", String(decoding: PackageResources._017_anti_phishing_sql, as: UTF8.self)),
        ("0018_password_breaches", String(decoding: PackageResources._018_password_breaches_sql, as: UTF8.self)),
        ("0019_oidc_clients", String(decoding: PackageResources._019_oidc_clients_sql, as: UTF8.self)),
        ("0020_oidc_flow", String(decoding: PackageResources._020_oidc_flow_sql, as: UTF8.self)),
    ]
}
