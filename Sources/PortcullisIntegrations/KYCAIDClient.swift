import AsyncHTTPClient
import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1
import PortcullisCore

/// KYCAID's REST API (`kycaid_api_endpoint`, `Authorization: Token …`):
/// applicants, files (multipart), documents, addresses, verifications.
/// A 4xx other than 408/429 is KYCAID refusing (`KYCRefused`); anything
/// else is an outage the outbox retries.
public struct KYCAIDClient: KYCProvider {
    let client: HTTPClient
    let endpoint: String
    let token: Secret
    let formID: String
    let callbackURL: String

    public init(client: HTTPClient, endpoint: String, token: String, formID: String, callbackURL: String) {
        self.client = client
        self.endpoint = endpoint.hasSuffix("/") ? endpoint : endpoint + "/"
        self.token = Secret(token)
        self.formID = formID
        self.callbackURL = callbackURL
    }

    /// What failed, safe to log (no personal data, no token).
    struct Unavailable: SinkError {
        let reason: String
        var description: String { "KYCAID unavailable: \(reason)" }
    }

    public func createApplicant(_ applicant: KYCApplicant) async throws -> String {
        var body: [String: Any] = ["type": "PERSON", "email": applicant.email]
        body["first_name"] = applicant.profile.firstName
        body["last_name"] = applicant.profile.lastName
        body["dob"] = applicant.profile.dob
        body["residence_country"] = applicant.profile.country
        body["phone"] = applicant.phone
        return try await id("applicant_id", from: try await send("applicants", method: .POST, json: body))
    }

    public func verification(id: String) async throws -> KYCVerification {
        let object = try await send("verifications/" + (try escaped(id)), method: .GET, json: nil)
        var checks: [String: Bool] = [:]
        for (name, value) in object["verifications"] as? [String: Any] ?? [:] {
            if let verified = (value as? [String: Any])?["verified"] as? Bool { checks[name] = verified }
        }
        return KYCVerification(status: object["status"] as? String ?? "", applicantID: object["applicant_id"] as? String ?? "",
                               checks: checks)
    }

    public func uploadFile(_ file: KYCFile) async throws -> String {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Disposition", value: "form-data; name=\"file\"; filename=\"\(file.name)\"")
        headers.add(name: "Content-Type", value: file.contentType)
        let boundary = "portcullis-" + SecureRandom.hex(bytes: 12)
        var body = ByteBuffer()
        try MultipartSerializer().serialize(parts: [MultipartPart(headers: headers, body: ByteBuffer(bytes: file.bytes))],
                                            boundary: boundary, into: &body)
        let object = try await execute("files", method: .POST, contentType: "multipart/form-data; boundary=\(boundary)", body: body)
        return try id("file_id", from: object)
    }

    public func createDocument(_ document: KYCDocumentRequest) async throws -> String {
        var body = fields(document)
        body["applicant_id"] = document.applicantID
        return try id("document_id", from: try await send("documents", method: .POST, json: body))
    }

    public func updateDocument(id: String, _ document: KYCDocumentRequest) async throws {
        _ = try await send("documents/" + (try escaped(id)), method: .PATCH, json: fields(document))
    }

    public func createAddress(_ address: KYCAddressRequest) async throws -> String {
        let body: [String: Any] = ["applicant_id": address.applicantID, "type": "REGISTERED", "country": address.country,
                                   "city": address.city, "postal_code": address.postcode, "full_address": address.address]
        return try id("address_id", from: try await send("addresses", method: .POST, json: body))
    }

    public func createVerification(applicantID: String, types: [String]) async throws -> String {
        var body: [String: Any] = ["applicant_id": applicantID, "types": types, "callback_url": callbackURL]
        if !formID.isEmpty { body["form_id"] = formID }
        return try id("verification_id", from: try await send("verifications", method: .POST, json: body))
    }

    private func fields(_ document: KYCDocumentRequest) -> [String: Any] {
        var body: [String: Any] = ["type": document.type, "front_side_id": document.frontFileID]
        body["back_side_id"] = document.backFileID
        body["document_number"] = document.number
        body["expiry_date"] = document.expiry
        return body
    }

    private func id(_ key: String, from object: [String: Any]) throws -> String {
        guard let id = object[key] as? String, !id.isEmpty else { throw Unavailable(reason: "answer without \(key)") }
        return id
    }

    private func escaped(_ id: String) throws -> String {
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        guard let escaped = id.addingPercentEncoding(withAllowedCharacters: unreserved) else { throw KYCRefused(status: 400) }
        return escaped
    }

    private func send(_ path: String, method: HTTPMethod, json: [String: Any]?) async throws -> [String: Any] {
        guard let json else { return try await execute(path, method: method, contentType: nil, body: nil) }
        let body = ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])))
        return try await execute(path, method: method, contentType: "application/json", body: body)
    }

    private func execute(_ path: String, method: HTTPMethod, contentType: String?, body: ByteBuffer?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Token \(token.value)")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(30))
            answer = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw Unavailable(reason: String(describing: type(of: error)))
        }
        let status = Int(response.status.code)
        if (400..<500).contains(status) && status != 408 && status != 429 { throw KYCRefused(status: status) }
        guard (200..<300).contains(status) else { throw Unavailable(reason: "HTTP \(status)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView)) as? [String: Any] else {
            throw Unavailable(reason: "an answer that is not a JSON object")
        }
        return object
    }
}
