import Foundation

/// The mail sink: confirmation and password-reset token events become mails,
/// and so do the security notices, each with a freshly signed freeze link.
public struct MailSink: SingleEventSink {
    let mailer: any Mailer
    let templates: MailTemplates
    /// Signs a freeze token for (email, uid); nil: notices go without the link.
    let freezeToken: (@Sendable (String, String) async throws -> String)?

    public init(mailer: any Mailer, templates: MailTemplates, freezeToken: (@Sendable (String, String) async throws -> String)? = nil) {
        self.mailer = mailer
        self.templates = templates
        self.freezeToken = freezeToken
    }

    public var name: String { SinkRoute.mail.sink }

    public func deliver(_ message: OutboxMessage) async throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any],
              let user = object["user"] as? [String: Any], let email = user["email"] as? String else { return }
        let antiPhishing = user["anti_phishing_code"] as? String
        if let notice = SecurityNotice(event: message.name) {
            let uid = user["uid"] as? String ?? ""
            let token = notice.offersFreeze ? try await freezeToken?(email, uid) : nil
            try await mailer.send(templates.securityNotice(notice, to: email, ip: object["user_ip"] as? String ?? "",
                                                           remaining: object["remaining"] as? Int, freezeToken: token,
                                                           antiPhishing: antiPhishing))
            return
        }
        guard let token = object["token"] as? String else {
            // A row without its token was already delivered and scrubbed: nothing to send.
            return
        }
        let mail = message.name == EventName.emailConfirmationToken
            ? templates.confirmation(to: email, token: token, antiPhishing: antiPhishing)
            : templates.passwordReset(to: email, token: token, antiPhishing: antiPhishing)
        try await mailer.send(mail)
    }
}
