import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PortcullisCore
import Synchronization

/// `phone_verification = mock`: nothing leaves the server; the text is kept
/// in memory (never logged). Only the stored code, or the fixed
/// `phone_mock_code` when one is configured, verifies (deliberate difference).
public final class MockPhoneChannel: PhoneCodeChannel {
    private let outbox = Mutex<[(digits: String, text: String)]>([])
    let template: String
    let fixedCode: String?

    public init(template: String, fixedCode: String?) {
        self.template = template
        self.fixedCode = fixedCode
    }

    public func deliver(to digits: String, code: String, channel: String) async throws {
        let text = SMSTemplate.render(template, code: code)
        outbox.withLock { $0.append((digits, text)) }
    }

    public func check(digits: String, submitted: String, stored: String) async throws -> Bool {
        constantTimeEquals(submitted, stored) || (fixedCode.map { constantTimeEquals(submitted, $0) } ?? false)
    }

    /// What would have been sent (for tests).
    public var sent: [(digits: String, text: String)] { outbox.withLock { $0 } }
}

/// Twilio's REST API: Messages (`twilio_sms`) and Verify (`twilio_verify`).
struct TwilioHTTP: Sendable {
    let client: HTTPClient
    let sid: String
    let token: Secret

    func post(_ url: String, form: [(String, String)]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(sid):\(token.value)".utf8).base64EncodedString())
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw APIError(.unprocessable, ErrorKey.Phone.twilioUnexpected)
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        guard (200..<300).contains(response.status.code) else { throw Self.error(for: object["code"] as? Int) }
        return object
    }

    /// Twilio error codes mapped to the phone error keys.
    static func error(for code: Int?) -> APIError {
        let key = switch code {
        case 21612: ErrorKey.Phone.numNotReachable
        case 21614: ErrorKey.Phone.numNotValid
        case 21618: ErrorKey.Phone.smsContentInvalid
        case 21610: ErrorKey.Phone.unsubscribedRecipient
        default: ErrorKey.Phone.twilioUnexpected
        }
        return APIError(.unprocessable, key)
    }
}

public struct TwilioSMSChannel: PhoneCodeChannel {
    let http: TwilioHTTP
    let baseURL: String
    let from: String
    let template: String

    public init(client: HTTPClient, baseURL: String, sid: String, token: String, from: String, template: String) {
        http = TwilioHTTP(client: client, sid: sid, token: Secret(token))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.from = from
        self.template = template
    }

    /// SMS whatever the channel (as Barong).
    public func deliver(to digits: String, code: String, channel: String) async throws {
        let sid = http.sid.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        _ = try await http.post("\(baseURL)/2010-04-01/Accounts/\(sid)/Messages.json",
                                form: [("From", from), ("To", "+" + digits), ("Body", SMSTemplate.render(template, code: code))])
    }

    public func check(digits: String, submitted: String, stored: String) async throws -> Bool {
        constantTimeEquals(submitted, stored)
    }
}

public struct TwilioVerifyChannel: PhoneCodeChannel {
    let http: TwilioHTTP
    let baseURL: String
    let serviceSID: String

    public init(client: HTTPClient, baseURL: String, sid: String, token: String, serviceSID: String) {
        http = TwilioHTTP(client: client, sid: sid, token: Secret(token))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.serviceSID = serviceSID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    public func deliver(to digits: String, code: String, channel: String) async throws {
        _ = try await http.post("\(baseURL)/v2/Services/\(serviceSID)/Verifications", form: [("To", "+" + digits), ("Channel", channel)])
    }

    public func check(digits: String, submitted: String, stored: String) async throws -> Bool {
        do {
            let result = try await http.post("\(baseURL)/v2/Services/\(serviceSID)/VerificationCheck",
                                             form: [("To", "+" + digits), ("Code", submitted)])
            return result["status"] as? String == "approved"
        } catch let error as APIError where error.keys == [ErrorKey.Phone.twilioUnexpected] {
            return false
        }
    }
}
