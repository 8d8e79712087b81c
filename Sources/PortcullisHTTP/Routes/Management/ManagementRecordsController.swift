import Foundation
import Hummingbird
import PortcullisCore

/// Management `documents`, `phones…` and `api_keys…`.
struct ManagementRecordsController {
    let users: ManagementUserService
    let phones: ManagementPhoneService
    let apiKeys: ManagementAPIKeyService
    let renderer: EntityRenderer

    func addRoutes(to routes: ManagementRoutes) {
        routes.post("documents", scope: "write_documents", use: document)
        routes.post("phones/get", scope: "read_phones", use: listPhones)
        routes.post("phones", scope: "write_phones", use: addPhone)
        routes.post("phones/delete", scope: "write_phones", use: deletePhone)
        routes.post("api_keys", scope: "write_apikeys", use: createKey)
        routes.post("api_keys/update", scope: "write_apikeys", use: updateKey)
    }

    /// A base64 upload with the resource upload's rules; 201 with the body `201`.
    @Sendable func document(_ params: inout ManagementParams) -> ManagementRoutes.Work {
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
        let suffix = "." + (ext.hasPrefix(".") ? String(ext.dropFirst()) : ext)
        let name = filename.lowercased().hasSuffix(suffix.lowercased()) ? filename : filename + suffix
        let input = DocumentInput(docType: docType, docNumber: docNumber, docExpire: expire, docCategory: nil, identificator: nil,
                                  metadata: metadata, files: [UploadedFile(filename: name, bytes: Array(bytes ?? Data()))])
        return {
            try await users.addDocument(uid: uid, input, updateLabels: updateLabels)
            return Responses.json(.int(201), status: .created)
        }
    }

    @Sendable func listPhones(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        return { Responses.json(.array(try await phones.list(uid: uid).map(renderer.managementPhone)), status: .created) }
    }

    @Sendable func addPhone(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        let number = params.required("number")
        return { Responses.json(renderer.managementPhone(try await phones.create(uid: uid, number: number)), status: .created) }
    }

    @Sendable func deletePhone(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let uid = params.required("uid")
        let number = params.required("number")
        return { Responses.json(renderer.managementPhone(try await phones.delete(uid: uid, number: number)), status: .created) }
    }

    @Sendable func createKey(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let algorithm = params.required("algorithm")
        let uid = params.required("uid")
        let scopes = params.optional("scopes")
        return {
            let created = try await apiKeys.create(uid: uid, algorithm: algorithm, scopes: scopes)
            return Responses.json(renderer.apiKey(created.key, secret: created.secret), status: .created)
        }
    }

    @Sendable func updateKey(_ params: inout ManagementParams) -> ManagementRoutes.Work {
        let kid = params.required("kid")
        let uid = params.required("uid")
        let scopes = params.optional("scopes")
        let state = params.optional("state")
        return { Responses.json(renderer.apiKey(try await apiKeys.update(uid: uid, kid: kid, scopes: scopes, state: state)), status: .created) }
    }
}
