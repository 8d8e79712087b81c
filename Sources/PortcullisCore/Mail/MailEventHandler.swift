import Foundation

/// Turns token events into mails: confirmation and password reset.
public struct MailEventHandler: EventHandler {
    let mailer: any Mailer
    let templates: MailTemplates

    public init(mailer: any Mailer, templates: MailTemplates) {
        self.mailer = mailer
        self.templates = templates
    }

    public func handles(_ name: String) -> Bool {
        name == EventName.emailConfirmationToken || name == EventName.passwordResetToken
    }

    public func handle(_ message: OutboxMessage) async throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any],
              let token = object["token"] as? String,
              let email = (object["user"] as? [String: Any])?["email"] as? String else {
            // A row without its token was already delivered and scrubbed: nothing to send.
            return
        }
        let mail = message.name == EventName.emailConfirmationToken
            ? templates.confirmation(to: email, token: token)
            : templates.passwordReset(to: email, token: token)
        try await mailer.send(mail)
    }
}
