import Foundation
import Hummingbird
import PortcullisCore

/// Management `documents`, `phones…` and `api_keys…` (api-admin.md B2).
struct ManagementRecordsController {
    let services: Services

    func addRoutes(to group: CatalogedGroup) {
        group.post("documents", use: document)
        group.post("phones/get", use: phones)
        group.post("phones", use: addPhone)
        group.post("phones/delete", use: deletePhone)
        group.post("api_keys", use: createKey)
        group.post("api_keys/update", use: updateKey)
    }

    /// A base64 upload with the resource upload's rules; 201 with the body `201`.
    @Sendable func document(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_documents")
        let uid = params.required("uid")
        let docType = params.required("doc_type")
        let docNumber = params.required("doc_number")
        let filename = params.required("filename")
        let ext = params.required("file_ext")
        let upload = params.required("upload")
        let expire = params.optional("doc_expire")
        let updateLabels = params.boolean("update_labels", default: true)
        let metadata = params.optional("metadata")
        if let expire, (try? ProfileService.checkDateParam(expire)) == nil {
            params.fail("doc_expire management.documents.expire_not_a_date")
        }
        let bytes = upload.isEmpty ? nil : Data(base64Encoded: upload)
        if !upload.isEmpty && bytes == nil { params.fail("upload is invalid") }
        try params.finish()
        let suffix = "." + (ext.hasPrefix(".") ? String(ext.dropFirst()) : ext)
        let name = filename.lowercased().hasSuffix(suffix.lowercased()) ? filename : filename + suffix
        let input = DocumentInput(docType: docType, docNumber: docNumber, docExpire: expire, docCategory: nil, identificator: nil,
                                  metadata: metadata, files: [UploadedFile(filename: name, bytes: Array(bytes ?? Data()))])
        try await services.managementUsers.addDocument(uid: uid, input, updateLabels: updateLabels)
        return Responses.json(.int(201), status: .created)
    }

    @Sendable func phones(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "read_phones")
        let uid = params.required("uid")
        try params.finish()
        let phones = try await services.managementPhones.list(uid: uid)
        return Responses.json(.array(phones.map(services.adminRenderer.managementPhone)), status: .created)
    }

    @Sendable func addPhone(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_phones")
        let uid = params.required("uid")
        let number = params.required("number")
        try params.finish()
        let phone = try await services.managementPhones.create(uid: uid, number: number)
        return Responses.json(services.adminRenderer.managementPhone(phone), status: .created)
    }

    @Sendable func deletePhone(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_phones")
        let uid = params.required("uid")
        let number = params.required("number")
        try params.finish()
        let phone = try await services.managementPhones.delete(uid: uid, number: number)
        return Responses.json(services.adminRenderer.managementPhone(phone), status: .created)
    }

    @Sendable func createKey(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_apikeys")
        let algorithm = params.required("algorithm")
        let uid = params.required("uid")
        let scopes = params.optional("scopes")
        try params.finish()
        let created = try await services.managementAPIKeys.create(uid: uid, algorithm: algorithm, scopes: scopes)
        return Responses.json(services.adminRenderer.apiKey(created.key, secret: created.secret), status: .created)
    }

    @Sendable func updateKey(_ request: Request, context: PortcullisContext) async throws -> Response {
        var params = try await services.managementParams(context, scope: "write_apikeys")
        let kid = params.required("kid")
        let uid = params.required("uid")
        let scopes = params.optional("scopes")
        let state = params.optional("state")
        try params.finish()
        let key = try await services.managementAPIKeys.update(uid: uid, kid: kid, scopes: scopes, state: state)
        return Responses.json(services.adminRenderer.apiKey(key), status: .created)
    }
}
