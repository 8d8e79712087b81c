import PortcullisCore

/// A session as the lists show it (never its hash or CSRF token).
enum SessionEntity {
    static func render(_ session: SessionRecord, current: String?) -> JSONValue {
        .object([
            ("id", .string(session.publicID)),
            ("current", .bool(session.idHash == current)),
            ("created_at", .string(Timestamp.iso8601(session.createdAt))),
            ("last_seen_at", .string(Timestamp.iso8601(session.lastSeenAt))),
            ("expires_at", .string(Timestamp.iso8601(min(session.expireAt, session.hardExpireAt)))),
            ("user_ip", .string(session.userIP)),
            ("user_ip_country", .string(session.country)),
            ("user_agent", .string(session.userAgent)),
            ("method", .string(session.method)),
        ])
    }

    static func list(_ sessions: [SessionRecord], current: String?) -> JSONValue {
        .array(sessions.map { render($0, current: current) })
    }
}
