import Hummingbird
import PortcullisCore

/// Registers console routes with their gate; a handler never runs before
/// it. Pages are GET; actions are POST and check the form's CSRF token
/// first. A refusal or an API error becomes a page (GET) or a flash
/// message on the page the form came from (POST), never a stack trace.
struct ConsoleRoutes: Sendable {
    let group: RouterGroup<PortcullisContext>
    let kit: ConsoleKit

    func page(_ path: String, _ gate: ConsoleGate, _ handler: @escaping @Sendable (ConsoleCall) async throws -> ConsolePage) {
        file(path, gate) { call in kit.render(try await handler(call), call: call) }
    }

    /// A GET that answers with something other than a page (CSV, a document's bytes).
    func file(_ path: String, _ gate: ConsoleGate, _ handler: @escaping @Sendable (ConsoleCall) async throws -> Response) {
        group.get(RouterPath(path)) { request, context in
            let call = try kit.call(request, context)
            do {
                try await kit.admit(call, gate)
                return try await handler(call)
            } catch let error as APIError {
                return kit.render(kit.errorPage(error), call: call)
            }
        }
    }

    func action(_ path: String, _ gate: ConsoleGate, _ handler: @escaping @Sendable (ConsoleCall) async throws -> ConsoleDone) {
        post(path, gate) { call, back in
            let done = try await handler(call)
            return ConsoleRenderer.redirect(done.location ?? back, flash: ConsoleFlash(.notice, done.notice), secure: call.secure)
        }
    }

    /// An action whose answer is a page shown this once (a new client
    /// secret), not a redirect: nothing secret goes into a cookie or a URL.
    /// The page is `no-store` like every console page.
    func reveal(_ path: String, _ gate: ConsoleGate, _ handler: @escaping @Sendable (ConsoleCall) async throws -> ConsolePage) {
        post(path, gate) { call, _ in kit.render(try await handler(call), call: call) }
    }

    private func post(_ path: String, _ gate: ConsoleGate,
                      _ answer: @escaping @Sendable (ConsoleCall, _ back: String) async throws -> Response) {
        group.post(RouterPath(path)) { request, context in
            let call = try kit.call(request, context)
            let back = ConsoleKit.localPath(call.form.text("back")) ?? "/admin/"
            if let refusal = kit.csrfRefusal(call) { return refusal }
            do {
                try await kit.admit(call, gate)
                return try await answer(call, back)
            } catch let error as APIError {
                return ConsoleRenderer.redirect(back, flash: ConsoleFlash(.error, ConsoleKit.message(error)),
                                                secure: context.overHTTPS)
            } catch let ask as ConsoleConfirmation {
                return kit.render(kit.confirmPage(ask, call: call, back: back), call: call)
            }
        }
    }
}
