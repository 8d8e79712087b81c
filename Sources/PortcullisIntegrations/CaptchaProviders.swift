import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PortcullisCore

/// Outbound calls to captcha providers: 5 s timeout, any failure is 422
/// `identity.captcha.verification_failed`.
struct CaptchaHTTP: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount = .seconds(5)

    func post(_ url: String, form: [(String, String)]) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        return try await send(request)
    }

    func get(_ url: String) async throws -> String {
        try await send(HTTPClientRequest(url: url))
    }

    private func send(_ request: HTTPClientRequest) async throws -> String {
        do {
            let response = try await client.execute(request, timeout: timeout)
            guard response.status == .ok else { throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed) }
            let body = try await response.body.collect(upTo: 64 * 1024)
            return String(buffer: body)
        } catch {
            throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed)
        }
    }
}

enum FormEncoding {
    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

func md5Hex(_ text: String) -> String {
    Insecure.MD5.hash(data: Data(text.utf8)).hexString
}

/// reCAPTCHA: POST `secret` and `response` to `recaptcha_verify_url`;
/// `success` must be true (the client IP is not sent, as in Barong).
public struct RecaptchaVerifier: CaptchaVerifier {
    let http: CaptchaHTTP
    let verifyURL: String
    let secret: Secret

    public init(client: HTTPClient, verifyURL: String, secret: String) {
        http = CaptchaHTTP(client: client)
        self.verifyURL = verifyURL
        self.secret = Secret(secret)
    }

    public func verify(_ response: CaptchaResponse) async throws {
        guard case .text(let value) = response else { throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed) }
        let body = try await http.post(verifyURL, form: [("secret", secret.value), ("response", value)])
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              object["success"] as? Bool == true else {
            throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed)
        }
    }
}

/// Geetest: the three fields, the local md5 check with the Geetest key,
/// then Geetest's own validate call.
public struct GeetestVerifier: CaptchaVerifier {
    let http: CaptchaHTTP
    let apiURL: String
    let id: String
    let key: Secret

    public init(client: HTTPClient, apiURL: String, id: String, key: String) {
        http = CaptchaHTTP(client: client)
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.id = id
        self.key = Secret(key)
    }

    public func verify(_ response: CaptchaResponse) async throws {
        guard case .fields(let fields) = response, let challenge = fields["geetest_challenge"],
              let validate = fields["geetest_validate"], let seccode = fields["geetest_seccode"] else {
            throw APIError(.badRequest, ErrorKey.Captcha.mandatoryFields)
        }
        guard constantTimeEquals(validate, md5Hex(key.value + "geetest" + challenge)) else {
            throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed)
        }
        let body = try await http.post(apiURL + "/validate.php", form: [("seccode", seccode)])
        guard constantTimeEquals(body.trimmingCharacters(in: .whitespacesAndNewlines), md5Hex(seccode)) else {
            throw APIError(.unprocessable, ErrorKey.Captcha.verificationFailed)
        }
    }

    /// `GET identity/users/register_geetest`: a fresh challenge, or "" when Geetest fails.
    public func register() async -> String {
        guard let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics),
              let challenge = try? await http.get(apiURL + "/register.php?gt=" + escaped) else { return "" }
        let trimmed = challenge.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        return md5Hex(trimmed + key.value)
    }
}
