import Hummingbird
import PortcullisCore

/// The console's stylesheet and script, embedded in the binary and cached
/// for a year (their URL carries a hash of their content).
enum ConsoleAssets {
    static let css = PackageResources.console_css
    static let js = PackageResources.console_js

    static func addRoutes(to group: RouterGroup<PortcullisContext>) {
        group.get("assets/console.css") { _, _ in response(css, type: "text/css; charset=utf-8") }
        group.get("assets/console.js") { _, _ in response(js, type: "text/javascript; charset=utf-8") }
    }

    static func response(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        ConsoleRenderer.securityHeaders(&headers)
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
