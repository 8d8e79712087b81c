/// One e-mail: a text part (always) and an HTML alternative.
public struct MailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    public var html: String

    public init(to: String, subject: String, text: String, html: String) {
        self.to = to; self.subject = subject; self.text = text; self.html = html
    }
}

public protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}
