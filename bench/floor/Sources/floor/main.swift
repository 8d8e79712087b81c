import Hummingbird
// The smallest Hummingbird 2 server: one route, no middleware, the same
// 15-byte JSON body as the nginx reference.
let router = Router()
router.get("ping") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"ping":"pong"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: Int(CommandLine.arguments.dropFirst().first ?? "") ?? 18090)))
try await app.runService()
