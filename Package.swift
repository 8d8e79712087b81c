// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Portcullis",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "portcullis", targets: ["portcullis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Already in the graph through hummingbird-auth: base64url without Foundation's string replacement.
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
    ],
    targets: [
        // The domain: rules and ports, no HTTP, SQL or NIO types.
        .target(
            name: "PortcullisCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [
                .embedInCode("Passwords/Data/common_passwords.txt"),
                .embedInCode("Admin/Data/abilities.yml"),
                .embedInCode("Authorization/Data/cloudflare_ips.txt"),
            ]
        ),
        // SQL files embedded in the binary, one target per dialect.
        .target(
            name: "PortcullisMigrations",
            path: "Migrations",
            exclude: ["postgres"],
            resources: [
                .embedInCode("sqlite/0001_init.sql"), .embedInCode("sqlite/0002_default_permissions.sql"),
                .embedInCode("sqlite/0003_shared_limits.sql"), .embedInCode("sqlite/0004_uploads.sql"),
                .embedInCode("sqlite/0005_one_reset_secret.sql"), .embedInCode("sqlite/0006_admin.sql"),
                .embedInCode("sqlite/0007_service_accounts_without_owner.sql"), .embedInCode("sqlite/0008_state_holds.sql"),
                .embedInCode("sqlite/0009_event_sinks.sql"), .embedInCode("sqlite/0010_session_details.sql"),
                .embedInCode("sqlite/0011_login_throttle.sql"), .embedInCode("sqlite/0012_passkeys.sql"),
                .embedInCode("sqlite/0013_console_sessions.sql"), .embedInCode("sqlite/0014_devices.sql"),
                .embedInCode("sqlite/0015_recovery_codes.sql"), .embedInCode("sqlite/0016_step_up.sql"),
                .embedInCode("sqlite/0017_anti_phishing.sql"), .embedInCode("sqlite/0018_password_breaches.sql"),
                .embedInCode("sqlite/0019_oidc_clients.sql"), .embedInCode("sqlite/0020_oidc_flow.sql"),
            ]
        ),
        .target(
            name: "PortcullisPostgresMigrations",
            path: "Migrations/postgres",
            resources: [
                .embedInCode("0001_init.sql"), .embedInCode("0002_default_permissions.sql"),
                .embedInCode("0003_shared_limits.sql"), .embedInCode("0004_uploads.sql"),
                .embedInCode("0005_one_reset_secret.sql"), .embedInCode("0006_admin.sql"),
                .embedInCode("0007_service_accounts_without_owner.sql"), .embedInCode("0008_state_holds.sql"),
                .embedInCode("0009_event_sinks.sql"), .embedInCode("0010_session_details.sql"), .embedInCode("0011_login_throttle.sql"),
                .embedInCode("0012_passkeys.sql"), .embedInCode("0013_console_sessions.sql"), .embedInCode("0014_devices.sql"),
                .embedInCode("0015_recovery_codes.sql"), .embedInCode("0016_step_up.sql"),
                .embedInCode("0017_anti_phishing.sql"), .embedInCode("0018_password_breaches.sql"),
                .embedInCode("0019_oidc_clients.sql"), .embedInCode("0020_oidc_flow.sql"),
            ]
        ),
        // SQLKit implementations of the ports and the migration runner.
        .target(
            name: "PortcullisStore",
            dependencies: [
                "PortcullisCore",
                "PortcullisMigrations",
                "PortcullisPostgresMigrations",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Debian's libqrencode and libpng (installed by the Makefile).
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // Debian's libmaxminddb: GeoIP `.mmdb` files (maxminddb_path).
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),
        // Debian's librabbitmq (rabbitmq-c): the event bus publisher (events.md E1).
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        // Debian's libcbor: WebAuthn attestation objects and COSE keys (account-security.md §P).
        .systemLibrary(name: "CCBOR", pkgConfig: "libcbor", providers: [.apt(["libcbor-dev"])]),
        // Adapters to the outside: JWT signing (jwt-kit), SMTP mailer (NIO +
        // NIOSSL), captcha providers (async-http-client).
        .target(
            name: "PortcullisIntegrations",
            dependencies: [
                "PortcullisCore",
                "CQRencode",
                "CPNG",
                "CMaxMindDB",
                "CRabbitMQ",
                "CCBOR",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ]
        ),
        // Hummingbird application: context, middleware, routes, entities.
        .target(
            name: "PortcullisHTTP",
            dependencies: [
                "PortcullisCore",
                "PortcullisIntegrations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The admin console's pages and assets, embedded in the binary (issue 21).
            resources: [
                .embedInCode("Console/Templates/layout.mustache"),
                .embedInCode("Routes/OIDC/Templates/oidc_layout.mustache"), .embedInCode("Routes/OIDC/Templates/oidc_consent.mustache"),
                .embedInCode("Routes/OIDC/Templates/oidc_message.mustache"), .embedInCode("Console/Templates/sign_in.mustache"),
                .embedInCode("Console/Templates/dashboard.mustache"), .embedInCode("Console/Templates/users.mustache"),
                .embedInCode("Console/Templates/user.mustache"), .embedInCode("Console/Templates/kyc.mustache"),
                .embedInCode("Console/Templates/access.mustache"), .embedInCode("Console/Templates/confirm.mustache"),
                .embedInCode("Console/Templates/activity.mustache"), .embedInCode("Console/Templates/error.mustache"),
                .embedInCode("Console/Templates/oidc_clients.mustache"), .embedInCode("Console/Templates/oidc_client.mustache"),
                .embedInCode("Console/Templates/oidc_secret.mustache"),
                .embedInCode("Console/Assets/console.css"), .embedInCode("Console/Assets/console.js"),
            ]
        ),
        .executableTarget(
            name: "portcullis",
            dependencies: [
                "PortcullisCore",
                "PortcullisStore",
                "PortcullisHTTP",
                "PortcullisIntegrations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PortcullisCoreTests",
            dependencies: ["PortcullisCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PortcullisStoreTests",
            dependencies: ["PortcullisStore", "PortcullisCore", "PortcullisMigrations", "PortcullisPostgresMigrations",
                           .product(name: "SQLiteKit", package: "sqlite-kit")]
        ),
        .testTarget(
            name: "PortcullisHTTPTests",
            dependencies: [
                "PortcullisHTTP",
                "PortcullisIntegrations",
                "PortcullisCore",
                "PortcullisStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The render sweep's html5lib script, run by the test itself.
            exclude: ["Fixtures"]
        ),
    ]
)
