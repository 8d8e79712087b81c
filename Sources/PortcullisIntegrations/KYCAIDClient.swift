import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PortcullisCore

/// KYCAID's REST API (`kycaid_api_endpoint`, `Authorization: Token …`).
public struct KYCAIDClient: KYCProvider {
    let client: HTTPClient
    let endpoint: String
    let token: Secret
    let formID: String

    public init(client: HTTPClient, endpoint: String, token: String, formID: String) {
        self.client = client
        self.endpoint = endpoint.hasSuffix("/") ? endpoint : endpoint + "/"
        self.token = Secret(token)
        self.formID = formID
    }

    struct KYCAIDError: Error {}

    public func createApplicant(profile: Profile, email: String) async throws -> String {
        var body: [String: Any] = ["type": "PERSON", "email": email]
        body["first_name"] = profile.firstName
        body["last_name"] = profile.lastName
        body["dob"] = profile.dob
        body["residence_country"] = profile.country
        let object = try await send("applicants", method: .POST, json: body)
        guard let id = object["applicant_id"] as? String else { throw KYCAIDError() }
        return id
    }

    public func verification(id: String) async throws -> KYCVerification {
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        guard let escaped = id.addingPercentEncoding(withAllowedCharacters: unreserved) else { throw KYCAIDError() }
        let object = try await send("verifications/" + escaped, method: .GET, json: nil)
        var checks: [String: Bool] = [:]
        for (name, value) in object["verifications"] as? [String: Any] ?? [:] {
            if let verified = (value as? [String: Any])?["verified"] as? Bool { checks[name] = verified }
        }
        return KYCVerification(status: object["status"] as? String ?? "", applicantID: object["applicant_id"] as? String ?? "",
                               checks: checks)
    }

    private func send(_ path: String, method: HTTPMethod, json: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Token \(token.value)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code),
              let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
            throw KYCAIDError()
        }
        return object
    }
}
