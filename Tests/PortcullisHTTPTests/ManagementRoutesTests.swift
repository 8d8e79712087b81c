import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP
import PortcullisIntegrations

/// An ES256 signer for management requests (the interoperable checks use jwcrypto in the integration suite).
struct TestManagementSigner {
    let kid: String
    let key = P256.Signing.PrivateKey()

    var entry: ManagementAPIConfig.Signer { .init(algorithm: "ES256", publicKeyPEM: key.publicKey.pemRepresentation) }

    /// A general-serialization JWS of `claims`, signed by each signer.
    static func body(_ claims: [String: Any], _ signers: [TestManagementSigner]) throws -> [String: Any] {
        let payload = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims)))
        let protected = Base64URL.encode(Array(#"{"alg":"ES256"}"#.utf8))
        let signatures = try signers.map { signer -> [String: Any] in
            let signature = try signer.key.signature(for: Data("\(protected).\(payload)".utf8))
            return ["protected": protected, "header": ["kid": signer.kid], "signature": Base64URL.encode(Array(signature.rawRepresentation))]
        }
        return ["payload": payload, "signatures": signatures]
    }
}

struct ManagementRoutesTests {
    static let applogic = TestManagementSigner(kid: "applogic")
    static let peatio = TestManagementSigner(kid: "peatio")

    static func management() async throws -> (config: ManagementAPIConfig, keychain: ManagementKeychain) {
        var config = ManagementAPIConfig(keychain: ["applogic": applogic.entry, "peatio": peatio.entry])
        for scope in ["tools", "write_users"] {
            config.scopes[scope] = .init(permittedSigners: ["applogic", "peatio"], mandatorySigners: ["applogic"])
        }
        config.scopes["read_users"] = .init(permittedSigners: ["applogic", "peatio"], mandatorySigners: ["applogic", "peatio"])
        return (config, try await ManagementKeychain.make(config: config, file: "test"))
    }

    static func claims(_ data: [String: Any] = [:], now: Int64) -> [String: Any] {
        ["exp": now + 60, "iat": now, "jti": UUID().uuidString, "data": data]
    }

    @Test func signedCallsPassAndEveryRefusalKeepsBarongsBody() async throws {
        try await Harness.run(management: try await Self.management()) { harness, client in
            func post(_ path: String, _ body: [String: Any], headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
                try await client.execute(uri: base + "/management/" + path, method: .post, headers: headers,
                                         body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            }
            let now = harness.clock.now()
            let timestamp = try await post("timestamp", try TestManagementSigner.body(Self.claims(now: now), [Self.applogic]))
            let answered = Int64(timestamp.json["timestamp"] as? Int ?? 0)
            #expect(timestamp.status == .ok && (now...now + 60).contains(answered), "the server's clock, in seconds")
            let peatioOnly = try await post("timestamp", try TestManagementSigner.body(Self.claims(now: now), [Self.peatio]))
            #expect(peatioOnly.status == .unauthorized && peatioOnly.json["error"] as? String == "Not enough signatures for the action.")
            let expired = try await post("timestamp", try TestManagementSigner.body(["exp": now - 10, "jti": "x", "data": [:]], [Self.applogic]))
            #expect(expired.json["error"] as? String == "Failed to verify JWT.")
            let unknown = TestManagementSigner(kid: "applogic")
            #expect(try await post("timestamp", try TestManagementSigner.body(Self.claims(now: now), [unknown]))
                .json["error"] as? String == "Failed to verify JWT.")
            let wrongType = try await post("timestamp", try TestManagementSigner.body(Self.claims(now: now), [Self.applogic]),
                                           headers: [.contentType: "text/plain"])
            #expect(wrongType.status == .badRequest && wrongType.json["error"] as? String == "Content-Type must be application/json")

            let created = try await post("users", try TestManagementSigner.body(
                Self.claims(["email": "svc@example.com", "password": strongPassword], now: now), [Self.applogic]))
            #expect(created.status == .created && created.json["state"] as? String == "pending")
            let invalid = try await post("users", try TestManagementSigner.body(Self.claims(["email": "bad", "password": "x"], now: now), [Self.applogic]))
            #expect(invalid.status.code == 422 && invalid.json["error"] as? [String] == ["Email is invalid", "Password requirements"])
            let uid = created.json["uid"] as? String ?? ""
            let both = try TestManagementSigner.body(Self.claims(["uid": uid], now: now), [Self.applogic, Self.peatio])
            let found = try await post("users/get", both)
            #expect(found.status == .created && found.json["email"] as? String == "svc@example.com")
            let replayed = try await post("users/get", both)
            #expect(replayed.status == .unauthorized && replayed.json["error"] as? String == "Failed to verify JWT.")
        }
    }

    @Test func withoutAConfigurationEveryCallIsRefused() async throws {
        try await Harness.run { harness, client in
            let body = try TestManagementSigner.body(Self.claims(now: harness.clock.now()), [Self.applogic])
            let response = try await client.execute(uri: base + "/management/timestamp", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            #expect(response.status == .unauthorized && response.json["error"] as? String == "Failed to verify JWT.")
        }
    }
}
