import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PortcullisCore
@testable import PortcullisHTTP
@testable import PortcullisStore
import PortcullisIntegrations

/// One RSA key for the whole test process (generating one takes ~100 ms).
let testPrivateKeyPEM: String = {
    do { return try SigningKeyFiles.generate().privatePEM } catch { fatalError("cannot generate a test key: \(error)") }
}()

let base = "/api/v2/auth"

/// A router over a fresh temporary SQLite database, bcrypt cost 4.
struct Harness {
    let store: SQLiteStore
    let composition: Composition
    let config: Config
    let mailer: RecordingMailer
    let clock: TestClock
    let phones: MockPhoneChannel
    /// Every route the router registered (the gate sweep walks it).
    let catalog: RouteCatalog

    /// The last code the mock "sent" to a number.
    func lastSMSCode(to digits: String) -> String? {
        phones.sent.last { $0.digits == digits }.map { String($0.text.suffix(5)) }
    }

    /// Runs the outbox once and returns the mails sent so far.
    func deliverMail() async -> [MailMessage] {
        await composition.background.outbox.runOnce()
        return mailer.sent
    }

    /// The token (`confirmation_token` or `reset_token`) of the `index`-th mail.
    func mailToken(_ index: Int, _ parameter: String) async throws -> String {
        let mails = try await mails(atLeast: index + 1)
        guard mails.count > index, let found = token(in: mails[index], parameter: parameter) else {
            throw TestFailure("no mail #\(index) with \(parameter)")
        }
        return found
    }

    /// Delivers the outbox until `count` mails were sent (generate_code
    /// answers before its background work is done), or gives up after ~2 s.
    func mails(atLeast count: Int) async throws -> [MailMessage] {
        for _ in 0..<100 {
            let sent = await deliverMail()
            if sent.count >= count { return sent }
            try await Task.sleep(for: .milliseconds(20))
        }
        return mailer.sent
    }

    static func run(
        _ tweak: (inout Config) -> Void = { _ in },
        management: (config: ManagementAPIConfig, keychain: ManagementKeychain)? = nil,
        geo: (any GeoLocator)? = nil,
        abilities: AbilityTable? = nil,
        _ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void
    ) async throws {
        var config = Config()
        config.bcryptCost = 4
        tweak(&config)
        let path = NSTemporaryDirectory() + "portcullis-test-\(UUID().uuidString).sqlite3"
        let logger = Logger(label: "test")
        let box = try SecretBox(key: SecureRandom.bytes(32))
        let store = try await SQLiteStore.open(path: path, readers: 2, cipher: box, logger: logger)
        _ = try await store.migrate()
        let mailer = RecordingMailer()
        let clock = TestClock()
        let phones = MockPhoneChannel(template: config.smsContentTemplate, fixedCode: nil)
        let uploads = NSTemporaryDirectory() + "portcullis-uploads-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: uploads) }
        let composition = try await Composition.make(CompositionInputs(
            config: config, store: store, files: try LocalFileStore(directory: uploads),
            hasher: BcryptPasswordHasher(cost: 4, maxConcurrent: 2), privateKeyPEM: testPrivateKeyPEM, secretBox: box,
            mailer: mailer, phoneChannel: phones, abilities: try abilities ?? AbilityTable.defaults(), management: management,
            geo: geo, clock: clock
        ))
        let catalog = RouteCatalog()
        let harness = Harness(store: store, composition: composition, config: config, mailer: mailer, clock: clock, phones: phones,
                              catalog: catalog)
        let app = Application(router: composition.buildRouter(catalog: catalog), logger: logger)
        do {
            try await app.test(.router) { client in try await body(harness, client) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Every event in the outbox, oldest first (name and record).
    func outboxEvents() async throws -> [(name: String, payload: String)] {
        try await store.read { tx in
            guard let sql = tx as? SQLTransaction else { return [] }
            return try await sql.db.raw("SELECT name, payload FROM outbox ORDER BY id").all().map { row in
                (try row.decode(column: "name", as: String.self), try row.decode(column: "payload", as: String.self))
            }
        }
    }

    /// Sets a user's state directly, as an admin tool would.
    func setState(_ email: String, _ state: UserState) async throws {
        try await store.write { tx in
            guard var user = try await tx.user(email: email) else { return }
            user.state = state
            try await tx.updateUser(user)
        }
    }
}

/// A signed-in client's cookie and CSRF token.
struct Login: Sendable {
    let cookie: String
    let csrf: String
    let uid: String
}

let strongPassword = "Xq9!mzPw#Lk2"

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil, form: String? = nil,
        raw: (String, String)? = nil, login: Login? = nil, csrf: String? = nil, userAgent: String = "tests",
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        headers[.userAgent] = userAgent
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        } else if let raw {
            headers[.contentType] = raw.0
            body = ByteBuffer(string: raw.1)
        }
        if let login {
            headers[.cookie] = "_barong_session=\(login.cookie)"
            if let token = csrf ?? (method == .get ? nil : login.csrf) { headers[.csrfToken] = token }
        }
        return try await execute(uri: base + path, method: method, headers: headers, body: body)
    }

    /// Signs up and returns the session it opened.
    func signup(_ email: String, password: String = strongPassword, extra: [String: Any] = [:]) async throws -> Login {
        var params: [String: Any] = ["email": email, "password": password]
        params.merge(extra) { $1 }
        let response = try await send(.post, "/identity/users", json: params)
        guard response.status == .created else { throw TestFailure("signup \(email): \(response.status) \(response.text)") }
        return try response.login()
    }

    func login(_ email: String, password: String = strongPassword, userAgent: String = "tests") async throws -> Login {
        let response = try await send(.post, "/identity/sessions", json: ["email": email, "password": password], userAgent: userAgent)
        guard response.status == .ok else { throw TestFailure("login \(email): \(response.status) \(response.text)") }
        return try response.login()
    }
}

/// Real time plus an offset tests can move forward (TOTP steps, nonces).
final class TestClock: ServerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64 = 0
    private var frozenAt: Int64?

    func now() -> Int64 {
        lock.withLock { (frozenAt ?? Int64(Date().timeIntervalSince1970)) + offset }
    }
    /// Whole seconds, as the clock moves in whole seconds.
    func nowMilliseconds() -> Int64 { now() * 1000 }
    func advance(_ seconds: Int64) { lock.withLock { offset += seconds } }
    /// Stops real time: from here on only `advance` moves the clock (for tests a slow machine must not break).
    func freeze() { lock.withLock { frozenAt = frozenAt ?? Int64(Date().timeIntervalSince1970) } }
}

/// A mailer that keeps what it was asked to send; `failing` makes it refuse.
final class RecordingMailer: Mailer, @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [MailMessage] = []
    var failing = false

    func send(_ message: MailMessage) async throws {
        try lock.withLock {
            if failing { throw TestFailure("smtp down") }
            messages.append(message)
        }
    }

    var sent: [MailMessage] { lock.withLock { messages } }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
    }

    /// The keys of an `{"errors":[…]}` body.
    var errors: [String] { json["errors"] as? [String] ?? [] }

    var sessionCookie: String? {
        guard let header = headers[.setCookie], header.hasPrefix("_barong_session=") else { return nil }
        return header.dropFirst("_barong_session=".count).split(separator: ";").first.map(String.init)
    }

    func login() throws -> Login {
        guard let cookie = sessionCookie, let csrf = json["csrf_token"] as? String, let uid = json["uid"] as? String else {
            throw TestFailure("no session in \(text)")
        }
        return Login(cookie: cookie, csrf: csrf, uid: uid)
    }
}

/// Changing a signed token in ways that must never verify.
enum TokenTampering {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// One signature byte changed: the first signature character replaced.
    static func changedSignature(_ token: String) -> String {
        var characters = Array(token)
        guard let dot = characters.lastIndex(of: "."), dot + 1 < characters.count else { return token + "x" }
        characters[dot + 1] = characters[dot + 1] == "A" ? "B" : "A"
        return String(characters)
    }

    /// The same signature bytes spelled differently: an unused bit of the
    /// last character set (a 256-byte signature leaves four unused).
    static func respelledSignature(_ token: String) -> String {
        var characters = Array(token)
        guard let last = characters.last, let value = alphabet.firstIndex(of: last) else { return token + "x" }
        characters[characters.count - 1] = alphabet[value ^ 1]
        return String(characters)
    }
}
