import Foundation
import Hummingbird
import PortcullisCore

/// `admin/oidc/clients` (oidc.md §O2): operators register relying parties.
/// A body is JSON (its lists are arrays); a secret is answered once, with
/// `Cache-Control: no-store`.
struct AdminOIDCClientsController {
    let clients: OIDCClientService

    func addRoutes(to routes: AdminRoutes) {
        routes.get("", .read("OIDCClient"), use: list)
        routes.post("", .create("OIDCClient"), use: create)
        routes.get(":client_id", .read("OIDCClient"), use: show)
        routes.put(":client_id", .update("OIDCClient"), use: update)
        routes.delete(":client_id", .destroy("OIDCClient"), use: delete)
        routes.post(":client_id/secret", .update("OIDCClient"), use: rotate)
    }

    @Sendable func list(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        { _ in Responses.json(.array(try await clients.list().map(Self.render))) }
    }

    @Sendable func show(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let clientID = context.parameters.get("client_id") ?? ""
        return { _ in try await Self.answer { Responses.json(Self.render(try await clients.client(clientID))) } }
    }

    @Sendable func create(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let fields = Self.fields(&params)
        return { _ in
            try await Self.answer {
                let (client, secret) = try await clients.create(fields)
                return Responses.secretJSON(Self.render(client, secret: secret), status: .created)
            }
        }
    }

    @Sendable func update(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let (clientID, fields) = (context.parameters.get("client_id") ?? "", Self.fields(&params))
        return { _ in try await Self.answer { Responses.json(Self.render(try await clients.update(clientID, fields))) } }
    }

    @Sendable func delete(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let clientID = context.parameters.get("client_id") ?? ""
        return { _ in
            try await Self.answer {
                try await clients.delete(clientID)
                return Responses.json(.object([]))
            }
        }
    }

    @Sendable func rotate(_ params: inout AdminParams, context: PortcullisContext) -> AdminRoutes.Work {
        let clientID = context.parameters.get("client_id") ?? ""
        return { _ in
            try await Self.answer {
                let (client, secret) = try await clients.rotateSecret(clientID)
                return Responses.secretJSON(Self.render(client, secret: secret), status: .created)
            }
        }
    }

    /// The registration's fields from the JSON body (lists must be arrays of
    /// strings, flags booleans, lifetimes integers); a field of the wrong
    /// type is `admin.oidc_client.invalid_<field>`.
    static func fields(_ params: inout AdminParams) -> OIDCClientService.Fields {
        let body = (try? JSONSerialization.jsonObject(with: Data(params.raw.rawBody))) as? [String: Any] ?? [:]
        var fields = OIDCClientService.Fields()
        func text(_ name: String) -> String? {
            guard let value = body[name] else { return nil }
            guard let text = value as? String else { params.fail("admin.oidc_client.invalid_\(name)"); return nil }
            return text
        }
        func list(_ name: String) -> [String]? {
            guard let value = body[name] else { return nil }
            guard let items = value as? [Any], items.count <= 50, let texts = items as? [String] else {
                params.fail("admin.oidc_client.invalid_\(name)"); return nil
            }
            return texts
        }
        func flag(_ name: String) -> Bool? {
            guard let value = body[name] else { return nil }
            guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
                params.fail("admin.oidc_client.invalid_\(name)"); return nil
            }
            return number.boolValue
        }
        func integer(_ name: String) -> Int? {
            guard let value = body[name] else { return nil }
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
                  let exact = Int(exactly: number.doubleValue), abs(exact) < 1 << 40 else {
                params.fail("admin.oidc_client.invalid_\(name)"); return nil
            }
            return exact
        }
        fields.name = text("name")
        fields.redirectURIs = list("redirect_uris")
        fields.postLogoutRedirectURIs = list("post_logout_redirect_uris")
        fields.confidential = flag("confidential")
        fields.firstParty = flag("first_party")
        fields.grantTypes = list("grant_types")
        fields.scopes = list("scopes")
        fields.serviceAccountUID = text("service_account_uid")
        fields.accessTokenLifetime = integer("access_token_lifetime")
        fields.refreshTokenLifetime = integer("refresh_token_lifetime")
        fields.idTokenLifetime = integer("id_token_lifetime")
        return fields
    }

    /// A registry refusal as the admin API's key (`admin.oidc_client.<reason>`).
    static func answer<Value>(_ work: () async throws -> Value) async throws -> Value {
        do {
            return try await work()
        } catch let refusal as OIDCClientService.Refusal {
            throw APIError(refusal == .doesntExist ? .notFound : .unprocessable, "admin.oidc_client.\(refusal.rawValue)")
        }
    }

    static func render(_ client: OIDCClient) -> JSONValue { render(client, secret: nil) }

    static func render(_ c: OIDCClient, secret: String?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("client_id", .string(c.clientID)),
            ("name", .string(c.name)),
            ("confidential", .bool(c.confidential)),
        ]
        if let secret { fields.append(("client_secret", .string(secret))) }
        fields += [
            ("redirect_uris", .array(c.redirectURIs.map { .string($0) })),
            ("post_logout_redirect_uris", .array(c.postLogoutRedirectURIs.map { .string($0) })),
            ("grant_types", .array(c.grantTypes.map { .string($0) })),
            ("scopes", .array(c.scopes.map { .string($0) })),
            ("first_party", .bool(c.firstParty)),
            ("service_account_uid", .string(c.serviceAccountUID)),
            ("access_token_lifetime", .int(c.accessTokenLifetime)),
            ("refresh_token_lifetime", .int(c.refreshTokenLifetime)),
            ("id_token_lifetime", .int(c.idTokenLifetime)),
            ("created_at", .string(Timestamp.iso8601(c.createdAt))),
            ("updated_at", .string(Timestamp.iso8601(c.updatedAt))),
        ]
        return .object(fields)
    }
}

/// A client as the admin API shows it, for the command line.
public enum OIDCClientJSON {
    public static func text(_ client: OIDCClient, secret: String?) -> String {
        AdminOIDCClientsController.render(client, secret: secret).serialized()
    }
}
