import PortcullisCore

/// Domain values as the templates read them (plain dictionaries of text).
enum ConsoleView {
    static func time(_ seconds: Int64?) -> String {
        guard let seconds else { return "" }
        let iso = Timestamp.iso8601(seconds)
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5) + " UTC"
    }

    static func user(_ u: User) -> [String: Any] {
        ["uid": u.uid, "email": u.email, "username": u.username ?? "", "role": u.role, "state": u.state.rawValue,
         "level": u.level, "otp": u.otp, "created": time(u.createdAt), "banned": u.state == .banned]
    }

    static func label(_ l: AdminLabel) -> [String: Any] {
        ["key": l.key, "value": l.value, "scope": l.scope, "description": l.description ?? "", "updated": time(l.updatedAt)]
    }

    static func profile(_ p: Profile) -> [String: Any] {
        let name = [p.firstName, p.lastName].compactMap { $0 }.joined(separator: " ")
        return ["name": name, "dob": p.dob ?? "", "address": [p.address, p.postcode, p.city].compactMap { $0 }.joined(separator: ", "),
                "country": p.country ?? "", "state": p.state, "created": time(p.createdAt), "submitted": p.state == "submitted"]
    }

    static func document(_ d: DocumentRecord, uid: String) -> [String: Any] {
        let lower = d.upload.lowercased()
        let image = [".png", ".jpg", ".jpeg", ".gif", ".webp"].contains { lower.hasSuffix($0) }
        return ["id": d.id, "type": d.docType, "number": d.docNumber ?? "", "expire": d.docExpire ?? "",
                "created": time(d.createdAt), "url": "/admin/users/\(uid)/documents/\(d.id)", "image": image]
    }

    static func activity(_ row: ActivityWithActors, admin: Bool) -> [String: Any] {
        let a = row.activity
        return ["time": time(a.createdAt), "email": row.user.email, "uid": row.user.uid, "topic": a.topic, "action": a.action,
                "result": a.result, "ip": a.userIP, "country": a.userIPCountry, "agent": a.userAgent, "data": a.data ?? "",
                "target": row.target?.email ?? "", "failed": a.result != "succeed"]
    }

    static func session(_ s: SessionRecord) -> [String: Any] {
        ["id": s.publicID, "created": time(s.createdAt), "seen": time(s.lastSeenAt), "ip": s.userIP, "country": s.country,
         "agent": s.userAgent, "method": s.method]
    }

    static func apiKey(_ k: APIKey) -> [String: Any] {
        ["kid": k.kid, "algorithm": k.algorithm, "scope": k.scope.joined(separator: ", "), "state": k.state,
         "created": time(k.createdAt)]
    }

    static func comment(_ c: Comment) -> [String: Any] {
        ["title": c.title, "data": c.data, "author": c.authorUID, "created": time(c.createdAt)]
    }

    /// `[{value, label, selected}]` for a `<select>`.
    static func options(_ values: [String], selected: String?, blank: String? = nil) -> [[String: Any]] {
        (blank.map { [["value": "", "label": $0, "selected": selected == nil]] } ?? [])
            + values.map { ["value": $0, "label": $0, "selected": $0 == selected] }
    }
}
