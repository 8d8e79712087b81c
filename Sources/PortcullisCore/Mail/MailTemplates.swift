/// The confirmation and reset mails, with the link formats of
/// docs/operating.md. Only English wording ships; every `default_language`
/// gets it, with that language in the link's `lang`.
public struct MailTemplates: Sendable {
    public let publicURL: String
    public let language: String
    public let appName: String

    public init(publicURL: String, language: String, appName: String) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.language = language
        self.appName = appName
    }

    public func confirmation(to email: String, token: String) -> MailMessage {
        let link = "\(publicURL)/accounts/confirmation?confirmation_token=\(token)&lang=\(language)"
        return message(
            to: email, subject: "\(appName): confirm your email",
            lines: ["Hello,", "", "Please confirm your email address by opening this link:", link, "",
                    "If you did not sign up, you can ignore this message."],
            link: link, action: "Confirm my email"
        )
    }

    public func passwordReset(to email: String, token: String) -> MailMessage {
        let link = "\(publicURL)/accounts/password_reset?reset_token=\(token)&lang=\(language)"
        return message(
            to: email, subject: "\(appName): reset your password",
            lines: ["Hello,", "", "Someone asked to reset the password of your account. To choose a new one, open this link:",
                    link, "", "If it was not you, ignore this message: your password stays as it is."],
            link: link, action: "Reset my password"
        )
    }

    /// A security notice: one of the recovery codes opened a session.
    public func recoveryCodeUsed(to email: String, remaining: Int, ip: String) -> MailMessage {
        message(
            to: email, subject: "\(appName): a recovery code was used",
            lines: ["Hello,", "", "A recovery code was just used to sign in to your account" + (ip.isEmpty ? "." : " from \(ip)."),
                    "\(remaining) of your recovery codes are left.", "",
                    "If it was not you, change your password and contact support at once."],
            link: nil, action: ""
        )
    }

    /// Text and HTML of the same lines; with a `link`, the HTML shows it as a button after the greeting.
    private func message(to: String, subject: String, lines: [String], link: String?, action: String) -> MailMessage {
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let paragraphs = lines.filter { !$0.isEmpty && $0 != link }.map { "<p>\(HTMLText.escape($0))</p>" }
        guard let link else {
            let html = "<!DOCTYPE html>\r\n<html><body>\r\n" + paragraphs.joined(separator: "\r\n") + "\r\n</body></html>\r\n"
            return MailMessage(to: to, subject: subject, text: text, html: html)
        }
        let html = """
            <!DOCTYPE html>\r
            <html><body>\r
            \(paragraphs.prefix(2).joined(separator: "\r\n"))\r
            <p><a href="\(HTMLText.escape(link))">\(HTMLText.escape(action))</a></p>\r
            \(paragraphs.dropFirst(2).joined(separator: "\r\n"))\r
            </body></html>\r

            """
        return MailMessage(to: to, subject: subject, text: text, html: html)
    }

}

import Foundation
