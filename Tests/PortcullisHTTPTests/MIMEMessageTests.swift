import Foundation
import Testing
import PortcullisCore
@testable import PortcullisIntegrations

struct MIMEMessageTests {
    func render(_ message: MailMessage, name: String = "Portcullis") -> String {
        MIMEMessage(from: "noreply@example.com", fromName: name, message: message,
                    date: Date(timeIntervalSince1970: 0), messageID: "id@example.com").render()
    }

    @Test func multipartAlternativeWithTextThenHTML() throws {
        let text = render(MailMessage(to: "a@example.com", subject: "Hello", text: "line one\nline two", html: "<p>x</p>"))
        #expect(text.contains("From: Portcullis <noreply@example.com>\r\n"))
        #expect(text.contains("To: <a@example.com>\r\n"))
        #expect(text.contains("Subject: Hello\r\n"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary="))
        let plain = try #require(text.range(of: "Content-Type: text/plain; charset=UTF-8"))
        let html = try #require(text.range(of: "Content-Type: text/html; charset=UTF-8"))
        #expect(plain.lowerBound < html.lowerBound)
        #expect(text.contains("line one\r\nline two"))
        #expect(text.contains("Content-Transfer-Encoding: 7bit"))
        #expect(!text.contains("\n\n"), "every line ends in CRLF")
    }

    @Test func nonASCIIHeadersAreEncodedWordsAndBodies8bit() {
        let text = render(MailMessage(to: "a@example.com", subject: "Привет", text: "héllo", html: "<p>héllo</p>"), name: "Désk")
        #expect(text.contains("Subject: =?UTF-8?B?0J/RgNC40LLQtdGC?=\r\n"))
        #expect(text.contains("From: =?UTF-8?B?RMOpc2s=?= <noreply@example.com>"))
        #expect(text.contains("Content-Transfer-Encoding: 8bit"))
    }

    @Test func headerInjectionIsNeutralised() {
        let text = render(MailMessage(to: "a@example.com", subject: "Hi\r\nBcc: evil@example.com", text: "x", html: "y"))
        #expect(!text.contains("\r\nBcc: evil@example.com"))
    }

    @Test func dotStuffing() {
        #expect(MIMEMessage.dotStuff(".hidden\r\nok\r\n..two") == "..hidden\r\nok\r\n...two")
        #expect(MIMEMessage.dotStuff("a.b\r\n.") == "a.b\r\n..")
    }
}
