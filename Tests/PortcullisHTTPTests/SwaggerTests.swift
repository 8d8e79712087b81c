import Foundation
import HummingbirdTesting
import Logging
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

struct SwaggerTests {
    @Test(arguments: [false, true]) func theDescriptionListsExactlyTheRegisteredRoutes(oidc: Bool) async throws {
        try await Harness.run({ $0.oidcEnabled = oidc }) { harness, client in
            let catalog = RouteCatalog()
            _ = harness.composition.buildRouter(catalog: catalog)
            // The management API takes signed JWS bodies only, and the console (/admin/) is HTML:
            // neither is part of the Swagger document.
            let registered = catalog.routes.filter {
                $0.contains(" /api/v2/auth/") && !$0.hasSuffix("swagger_doc.json") && !$0.contains("/management/")
            }
            let operations = SwaggerController(oidc: oidc).operations
            let described = Set(operations.map { "\($0.method) /api/v2/auth\($0.path)" })
            #expect(registered.subtracting(described).isEmpty, "routes missing from the document: \(registered.subtracting(described))")
            #expect(described.subtracting(registered).isEmpty, "documented routes that do not exist: \(described.subtracting(registered))")
            #expect(registered.contains("POST /api/v2/auth/oidc/token") == oidc)
            let paths = try await client.send(.get, "/resource/swagger_doc").json["paths"] as? [String: [String: Any]] ?? [:]
            #expect(Set(paths.keys) == Set(operations.map(\.path)))
            if oidc {
                let authorize = paths["/oidc/authorize"]?["get"] as? [String: Any]
                #expect(authorize?["produces"] as? [String] == ["text/html", "application/json"])
                let token = paths["/oidc/token"]?["post"] as? [String: Any]
                #expect(token?["consumes"] as? [String] == ["application/x-www-form-urlencoded"])
                #expect(token?["security"] as? [[String: [String]]] == [["ClientBasic": []]])
            }
        }
    }

    @Test func servedWithoutAuthentication() async throws {
        try await Harness.run { _, client in
            let doc = try await client.send(.get, "/resource/swagger_doc")
            #expect(doc.status == .ok)
            #expect(doc.json["swagger"] as? String == "2.0")
            #expect((doc.json["paths"] as? [String: Any])?["/identity/sessions"] != nil)
            let family = try await client.send(.get, "/resource/swagger_doc/labels")
            #expect((family.json["paths"] as? [String: Any])?.keys.allSatisfy { $0.contains("labels") } == true)
            #expect(try await client.send(.get, "/resource/swagger_doc/nothing").errors == ["record.not_found"])
        }
    }
}
