import Foundation

/// The mail sink: confirmation and password-reset token events become mails,
/// and so do the security notices, each with a freshly signed freeze link.
public struct MailSink: SingleEventSink {
    let mailer: any Mailer
    let templates: MailTemplates
    /// Signs a freeze token for (email, uid); nil: notices go without the link.
    let freezeToken: (@Sendable (String, String) async throws -> String)?
    /// Names the browser and OS of a new sign-in (nil: the User-Agent as sent).
    let agents: UserAgentParser?

    public init(mailer: any Mailer, templates: MailTemplates, freezeToken: (@Sendable (String, String) async throws -> String)? = nil,
                agents: UserAgentParser? = nil) {
        self.mailer = mailer
        self.templates = templates
        self.freezeToken = freezeToken
        self.agents = agents
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
                                                           details: notice == .newDevice ? signInDetails(object) : [],
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

    /// When (UTC), where (address and country), with what (browser and OS) and how.
    func signInDetails(_ object: [String: Any]) -> [String] {
        // Control and format characters (CR, LF, bidi overrides) of a hostile User-Agent go.
        let agent = String(String.UnicodeScalarView((object["user_agent"] as? String ?? "").unicodeScalars.filter {
            ![.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
        }))
        let country = object["user_ip_country"] as? String ?? ""
        let ip = object["user_ip"] as? String ?? ""
        return [
            "", "Time: " + (object["signed_in_at"] as? String ?? "").replacingOccurrences(of: "T", with: " ")
                .replacingOccurrences(of: "Z", with: " UTC"),
            "IP address: " + ip + (country.isEmpty ? "" : " (\(country))"),
            "Browser: " + (agents?.describe(agent) ?? String(agent.prefix(200))),
            "Signed in with: " + (object["method"] as? String ?? "").replacingOccurrences(of: "_", with: " "),
        ]
    }
}
