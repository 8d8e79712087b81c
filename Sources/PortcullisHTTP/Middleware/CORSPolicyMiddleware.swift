import Hummingbird

/// CORS from the `api_cors_*` settings: only listed origins (or `*`) get
/// the allow headers; preflights are answered here. Ours, not Hummingbird's
/// `CORSMiddleware`: that one allows a single origin or all, not a list.
struct CORSPolicyMiddleware: RouterMiddleware {
    typealias Context = PortcullisContext
    let origins: [String]
    let maxAge: Int
    let allowCredentials: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains("*") || origins.contains(origin) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .ok)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders]
                ?? "Content-Type, X-CSRF-Token, X-Auth-Apikey, X-Auth-Nonce, X-Auth-Signature"
            response.headers[.accessControlMaxAge] = String(maxAge)
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origins.contains("*") && !allowCredentials ? "*" : origin
        if allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
        response.headers[.vary] = "Origin"
        return response
    }
}
