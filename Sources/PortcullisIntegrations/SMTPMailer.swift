import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PortcullisCore

/// Settings of the outbound SMTP server (the `smtp_*` settings, docs/configuration.md).
public struct SMTPSettings: Sendable {
    public enum Security: String, Sendable { case none, starttls, tls }
    public var host: String
    public var port: Int
    public var security: Security
    public var user: String
    public var password: Secret
    public var senderEmail: String
    public var senderName: String
    public var timeout: Duration = .seconds(30)
    /// Trust roots for TLS; nil means the system's. Tests pass their own CA.
    public var trustRoots: NIOSSLTrustRoots? = nil

    public init(host: String, port: Int, security: Security, user: String, password: String, senderEmail: String, senderName: String) {
        self.host = host; self.port = port; self.security = security; self.user = user
        self.password = Secret(password); self.senderEmail = senderEmail; self.senderName = senderName
    }
}

/// A failure reported by the SMTP server or the connection.
public struct SMTPError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A small SMTP client on SwiftNIO: EHLO, STARTTLS or implicit TLS,
/// AUTH PLAIN or LOGIN, MAIL/RCPT/DATA with dot-stuffing, QUIT.
/// One connection per message; the outbox worker retries failures.
public struct SMTPMailer: Mailer {
    let settings: SMTPSettings
    let logger: Logger

    public init(settings: SMTPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        let settings = self.settings
        do {
            // A connection that never answers cannot hold the outbox's mail loop.
            try await Deadline.run(settings.timeout) { try await Self.deliver(message, settings: settings) }
        } catch is DeadlinePassed {
            throw SMTPError(description: "timed out")
        }
        logger.info("mail sent", metadata: ["subject": "\(message.subject)"])
    }

    static func tlsHandler(_ settings: SMTPSettings) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let roots = settings.trustRoots { configuration.trustRoots = roots }
        let context = try NIOSSLContext(configuration: configuration)
        let hostname = IPNetwork.bytes(settings.host) == nil ? settings.host : nil
        return try NIOSSLClientHandler(context: context, serverHostname: hostname)
    }

    static func deliver(_ message: MailMessage, settings: SMTPSettings) async throws {
        let implicitTLS = settings.security == .tls
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS { try channel.pipeline.syncOperations.addHandler(try tlsHandler(settings)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var session = SMTPDialogue(replies: SMTPReplyReader(inbound.makeAsyncIterator()), outbound: outbound)
            try await session.expect(220)
            let helo = "portcullis.local"
            var capabilities = try await session.command("EHLO \(helo)", expect: 250)
            if settings.security == .starttls {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError(description: "server does not offer STARTTLS")
                }
                _ = try await session.command("STARTTLS", expect: 220)
                try await channel.channel.pipeline.addHandler(try tlsHandler(settings), position: .first).get()
                capabilities = try await session.command("EHLO \(helo)", expect: 250)
            }
            if !settings.user.isEmpty {
                try await authenticate(&session, capabilities: capabilities, settings: settings)
            }
            _ = try await session.command("MAIL FROM:<\(settings.senderEmail)>", expect: 250)
            _ = try await session.command("RCPT TO:<\(message.to)>", expect: 250, 251)
            _ = try await session.command("DATA", expect: 354)
            let mime = MIMEMessage(
                from: settings.senderEmail, fromName: settings.senderName, message: message, date: Date(),
                messageID: "\(SecureRandom.hex(bytes: 12))@\(settings.senderEmail.split(separator: "@").last ?? "portcullis")"
            ).render()
            try await session.write(MIMEMessage.dotStuff(mime) + "\r\n.\r\n")
            try await session.expect(250)
            _ = try? await session.command("QUIT", expect: 221)
        }
    }

    static func authenticate(_ session: inout SMTPDialogue, capabilities: [String], settings: SMTPSettings) async throws {
        let auth = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
        let user = settings.user, password = settings.password.value
        if auth.contains("PLAIN") || !auth.contains("LOGIN") {
            let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
            _ = try await session.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN <redacted>")
        } else {
            _ = try await session.command("AUTH LOGIN", expect: 334)
            _ = try await session.command(Data(user.utf8).base64EncodedString(), expect: 334, redacted: "<user>")
            _ = try await session.command(Data(password.utf8).base64EncodedString(), expect: 235, redacted: "<password>")
        }
    }
}

/// Commands and replies over one connection.
struct SMTPDialogue {
    var replies: SMTPReplyReader
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func expect(_ codes: Int...) async throws {
        let reply = try await replies.next()
        guard codes.contains(reply.code) else {
            throw SMTPError(description: "unexpected reply \(reply.code)")
        }
    }

    /// Sends one command line; returns the reply's text lines. `redacted`
    /// is what an error may say about the command (never credentials).
    mutating func command(_ line: String, expect codes: Int..., redacted: String? = nil) async throws -> [String] {
        try await write(line + "\r\n")
        let reply = try await replies.next()
        guard codes.contains(reply.code) else {
            let shown = redacted ?? String(line.prefix(4))
            throw SMTPError(description: "\(shown) answered \(reply.code)")
        }
        return reply.lines
    }

    func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }
}

/// Reads SMTP replies (possibly multi-line: `250-…` then `250 …`).
struct SMTPReplyReader {
    struct Reply {
        let code: Int
        let lines: [String]
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var buffer: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func next() async throws -> Reply {
        var lines: [String] = []
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPError(description: "malformed reply")
            }
            lines.append(line.count > 4 ? String(line.dropFirst(4)) : "")
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                return Reply(code: code, lines: lines)
            }
        }
    }

    private mutating func nextLine() async throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var lineBytes = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
                return String(decoding: lineBytes, as: UTF8.self)
            }
            guard buffer.count < 65_536, let chunk = try await iterator.next() else {
                throw SMTPError(description: "connection closed")
            }
            buffer.append(contentsOf: chunk.readableBytesView)
        }
    }
}
