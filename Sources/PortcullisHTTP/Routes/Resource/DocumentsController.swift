import Hummingbird
import PortcullisCore

/// `resource/documents`: multipart uploads.
struct DocumentsController {
    let documents: DocumentService
    let renderer: EntityRenderer

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("", use: list)
        group.post("", use: create)
    }

    @Sendable func list(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        return Responses.json(.array(try await documents.list(for: caller.user).map(renderer.document)))
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceDocument)
        let docType = params.required("doc_type")
        let docNumber = params.required("doc_number")
        let files = context.params.files["upload"] ?? []
        if files.isEmpty { params.fail(ErrorKey.missing(ErrorKey.Scope.resourceDocument, "upload")) }
        let input = DocumentInput(
            docType: docType, docNumber: docNumber, docExpire: params.optional("doc_expire"),
            docCategory: params.optional("doc_category"), identificator: params.optional("identificator"),
            metadata: params.optional("metadata"), files: files
        )
        try params.finish()
        try await documents.create(input, for: caller.user)
        return Responses.empty(.created)
    }
}

/// `POST resource/addresses`: proofs of address.
struct AddressesController {
    let documents: DocumentService

    func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.post("", use: create)
    }

    @Sendable func create(_ request: Request, context: PortcullisContext) async throws -> Response {
        let caller = try context.requireCaller()
        var params = ParamValidator(context.params, scope: ErrorKey.Scope.resourceAddress)
        let country = params.required("country")
        let address = params.required("address")
        let city = params.required("city", allowBlank: true)
        let postcode = params.required("postcode", allowBlank: true)
        let files = context.params.files["upload"] ?? []
        if files.isEmpty { params.fail(ErrorKey.missing(ErrorKey.Scope.resourceAddress, "upload")) }
        try params.finish()
        try await documents.createAddress(
            country: country, address: address, city: city, postcode: postcode, files: files, for: caller.user
        )
        return Responses.empty(.created)
    }
}
