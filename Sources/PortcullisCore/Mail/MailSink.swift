import Foundation

/// The mail sink: confirmation and password-reset token events become mails,
/// and so do the security notices (a recovery code was used).
public struct MailSink: SingleEventSink {
    let mailer: any Mailer
    let templates: MailTemplates

    public init(mailer: any Mailer, templates: MailTemplates) {
        self.mailer = mailer
        self.templates = templates
    }

    public var name: String { SinkRoute.mail.sink }

    public func deliver(_ message: OutboxMessage) async throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any],
              let email = (object["user"] as? [String: Any])?["email"] as? String else { return }
        if message.name == EventName.recoveryCodeUsed {
            let remaining = (object["remaining"] as? Int) ?? 0
            try await mailer.send(templates.recoveryCodeUsed(to: email, remaining: remaining, ip: object["user_ip"] as? String ?? ""))
            return
        }
        guard let token = object["token"] as? String else {
            // A row without its token was already delivered and scrubbed: nothing to send.
            return
        }
        let mail = message.name == EventName.emailConfirmationToken
            ? templates.confirmation(to: email, token: token)
            : templates.passwordReset(to: email, token: token)
        try await mailer.send(mail)
    }
}
