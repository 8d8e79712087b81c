import Foundation
import PortcullisCore

/// Renders a `MailMessage` as an RFC 5322 message: multipart/alternative
/// with a text/plain and a text/html part, UTF-8 headers as RFC 2047
/// encoded words, CRLF line ends. Parts are 7bit when ASCII (so a token in
/// the text part reads exactly as sent), else 8bit.
struct MIMEMessage {
    let from: String
    let fromName: String
    let message: MailMessage
    let date: Date
    let messageID: String

    func render() -> String {
        let boundary = "=_portcullis_" + SecureRandom.hex(bytes: 12)
        var lines = [
            "From: \(Self.encodeWord(fromName)) <\(from)>",
            "To: <\(message.to)>",
            "Subject: \(Self.encodeWord(message.subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "This is a multi-part message in MIME format.",
        ]
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=UTF-8")
            lines.append("Content-Transfer-Encoding: \(body.allSatisfy(\.isASCII) ? "7bit" : "8bit")")
            lines.append("")
            lines.append(Self.normalizeLineEnds(body))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 `=?UTF-8?B?…?=` when the text is not plain ASCII.
    static func encodeWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && !text.contains("=?") { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func normalizeLineEnds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    /// SMTP transparency (RFC 5321 §4.5.2): a line starting with "." gets another.
    static func dotStuff(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
