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

    public func confirmation(to email: String, token: String, antiPhishing: String? = nil) -> MailMessage {
        let link = "\(publicURL)/accounts/confirmation?confirmation_token=\(token)&lang=\(language)"
        return message(
            to: email, subject: "\(appName): confirm your email",
            lines: ["Hello,", "", "Please confirm your email address by opening this link:", link, "",
                    "If you did not sign up, you can ignore this message."],
            link: link, action: "Confirm my email", antiPhishing: antiPhishing
        )
    }

    public func passwordReset(to email: String, token: String, antiPhishing: String? = nil) -> MailMessage {
        let link = "\(publicURL)/accounts/password_reset?reset_token=\(token)&lang=\(language)"
        return message(
            to: email, subject: "\(appName): reset your password",
            lines: ["Hello,", "", "Someone asked to reset the password of your account. To choose a new one, open this link:",
                    link, "", "If it was not you, ignore this message: your password stays as it is."],
            link: link, action: "Reset my password", antiPhishing: antiPhishing
        )
    }

    /// A security notice: what happened, from where, and — unless the
    /// account is frozen already — the link that freezes it.
    /// `details`: lines after the sentence (the new sign-in's time, place, browser and method).
    public func securityNotice(_ notice: SecurityNotice, to email: String, ip: String, remaining: Int?, freezeToken: String?,
                               details: [String] = [], antiPhishing: String? = nil) -> MailMessage {
        var lines = ["Hello,", "", notice.sentence + (ip.isEmpty || !details.isEmpty ? "." : " from \(ip).")]
        if let remaining { lines.append("\(remaining) of your recovery codes are left.") }
        lines += details
        var link: String?
        if let freezeToken, notice.offersFreeze {
            let url = "\(publicURL)/accounts/freeze?freeze_token=\(freezeToken)"
            lines += ["", "If it was not you, freeze your account at once: every session ends and every API key is disabled.", url]
            link = url
        } else {
            lines += ["", "To use your account again, contact support."]
        }
        return message(to: email, subject: "\(appName): \(notice.subject)", lines: lines, link: link,
                       action: "This wasn't me: freeze my account", antiPhishing: antiPhishing)
    }

    /// Text and HTML of the same lines; with a `link`, the HTML shows it as a
    /// button after the greeting. The user's anti-phishing code, when set,
    /// is the first line of both.
    private func message(to: String, subject: String, lines body: [String], link: String?, action: String,
                         antiPhishing: String?) -> MailMessage {
        let lines = (antiPhishing.map { ["Your anti-phishing code: \($0)", ""] } ?? []) + body
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let paragraphs = lines.filter { !$0.isEmpty && $0 != link }.map { "<p>\(HTMLText.escape($0))</p>" }
        guard let link else {
            let html = "<!DOCTYPE html>\r\n<html><body>\r\n" + paragraphs.joined(separator: "\r\n") + "\r\n</body></html>\r\n"
            return MailMessage(to: to, subject: subject, text: text, html: html)
        }
        let html = """
            <!DOCTYPE html>\r
            <html><body>\r
            \(paragraphs.prefix(antiPhishing == nil ? 2 : 3).joined(separator: "\r\n"))\r
            <p><a href="\(HTMLText.escape(link))">\(HTMLText.escape(action))</a></p>\r
            \(paragraphs.dropFirst(antiPhishing == nil ? 2 : 3).joined(separator: "\r\n"))\r
            </body></html>\r

            """
        return MailMessage(to: to, subject: subject, text: text, html: html)
    }

}

import Foundation
