import Foundation

/// One row of a Barong `users` export (JSON lines, see the README): the
/// uid, email, bcrypt digest and status move; TOTP seeds and API-key secrets
/// live in Barong's Vault and cannot, so `otp` is always false here.
public struct ImportRow: Sendable {
    public var uid: String
    public var email: String
    public var passwordDigest: String
    public var role: String
    public var state: UserState
    public var level: Int
    public var referralUID: String?
    public var data: String?
    public var createdAt: Int64
    public var labels: [(key: String, value: String, scope: String)]

    /// Reads one JSON object; the reason names the first field that is wrong.
    public static func parse(_ object: [String: Any], now: Int64) -> Result<ImportRow, ImportFailure> {
        func text(_ name: String) -> String? {
            switch object[name] {
            case let value as String: return value.isEmpty ? nil : value
            case let value as NSNumber: return value.stringValue
            default: return nil
            }
        }
        guard let uid = text("uid") else { return .failure(ImportFailure("uid is missing")) }
        guard let email = text("email").flatMap(EmailAddress.normalize) else { return .failure(ImportFailure("email is invalid")) }
        guard let digest = text("password_digest"), digest.count == 60,
              ["$2a$", "$2b$", "$2y$"].contains(String(digest.prefix(4))) else {
            return .failure(ImportFailure("password_digest is not a bcrypt hash"))
        }
        guard let state = UserState(rawValue: text("state") ?? "pending") else { return .failure(ImportFailure("state is invalid")) }
        let level = (object["level"] as? NSNumber).flatMap(Self.wholeNumber).flatMap { Int(exactly: $0) } ?? Int(text("level") ?? "0") ?? 0
        var data: String?
        if let value = object["data"], !(value is NSNull) {
            let raw = (value as? String) ?? (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) }
            data = raw
        }
        var labels: [(String, String, String)] = []
        for case let label as [String: Any] in object["labels"] as? [Any] ?? [] {
            guard let key = label["key"] as? String, let value = label["value"] as? String else {
                return .failure(ImportFailure("labels need key and value"))
            }
            let scope = label["scope"] as? String ?? "private"
            guard LabelRules.violation(LabelRules.normalize(key), attribute: "key") == nil,
                  LabelRules.violation(LabelRules.normalize(value), attribute: "value") == nil, ["public", "private"].contains(scope) else {
                return .failure(ImportFailure("label \(key) is invalid"))
            }
            labels.append((LabelRules.normalize(key), LabelRules.normalize(value), scope))
        }
        return .success(ImportRow(uid: uid, email: email, passwordDigest: digest, role: text("role") ?? "member", state: state,
                                  level: level, referralUID: text("referral_uid"), data: data,
                                  createdAt: timestamp(object["created_at"]) ?? now, labels: labels))
    }

    /// A JSON number that is a whole Int64, else nil (`int64Value` of 1e300 is no answer).
    static func wholeNumber(_ number: NSNumber) -> Int64? {
        switch String(cString: number.objCType) {
        case "d", "f": return Int64(exactly: number.doubleValue.rounded(.down))
        case "Q": return Int64(exactly: number.uint64Value)
        default: return number.int64Value
        }
    }

    /// Unix seconds, or `YYYY-MM-DD HH:MM:SS` (MySQL) / `YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]`, read as UTC.
    static func timestamp(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return wholeNumber(number).flatMap { Timestamp.range.contains($0) ? $0 : nil } }
        guard let text = value as? String else { return nil }
        if let seconds = Int64(text) { return Timestamp.range.contains(seconds) ? seconds : nil }
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int64($0) }
        let offset = text.dropFirst(19)
        guard digits.count == 6, text.count >= 19, offset.isEmpty || offset.first == "." || offset.hasSuffix("Z")
                || offset.hasSuffix("+00:00") else { return nil }
        let (y, m, d) = (digits[0], digits[1], digits[2])
        guard (1...9999).contains(y), (1...12).contains(m), (1...31).contains(d), digits[3] < 24, digits[4] < 60, digits[5] < 61 else {
            return nil
        }
        // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let year = m <= 2 ? y - 1 : y
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + digits[3] * 3_600 + digits[4] * 60 + digits[5]
    }
}

public struct ImportFailure: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// `portcullis users import`: rows in transactions of up to 1,000; a row
/// already imported (same uid and email) is skipped, a row that clashes
/// with another user or is malformed is reported and skipped, so a second
/// run adds nothing. Referrals are linked once every row is in.
public struct BarongUserImporter: Sendable {
    let store: any Store
    /// One `model.user.created` per imported user.
    let events: EventWriter
    public init(store: any Store, events: EventWriter) { self.store = store; self.events = events }

    public struct Outcome: Sendable {
        public var imported = 0
        public var alreadyPresent = 0
        public var failed: [(line: Int, reason: String)] = []
        public init() {}
    }

    public func importBatch(_ rows: [(line: Int, row: ImportRow)], now: Int64) async throws -> Outcome {
        let events = self.events
        return try await store.write { tx in
            var outcome = Outcome()
            for (line, row) in rows {
                if let userID = try await tx.importUser(row) {
                    outcome.imported += 1
                    for label in row.labels {
                        try await tx.saveLabel(userID: userID, key: label.key, value: label.value, scope: label.scope,
                                               description: nil, clearDescription: false, now: row.createdAt)
                    }
                    // A ban Barong's operators set stays one here.
                    if UserStatusRules.operatorStates.contains(row.state) {
                        try await tx.holdState(userID: userID, row.state, now: row.createdAt)
                    }
                    if let user = try await tx.user(id: userID) {
                        try await events.userCreated(user, referralUID: row.referralUID, in: tx, now: now)
                    }
                } else if let existing = try await tx.user(uid: row.uid), existing.email == row.email {
                    outcome.alreadyPresent += 1
                } else {
                    outcome.failed.append((line, "uid or email belongs to another user"))
                }
            }
            return outcome
        }
    }

    /// Sets `referral_id` from the referrer uids; rows whose referrer is unknown stay without one.
    public func linkReferrals(_ links: [(uid: String, referralUID: String)]) async throws {
        for start in stride(from: 0, to: links.count, by: 1_000) {
            let batch = Array(links[start..<min(start + 1_000, links.count)])
            try await store.write { tx in try await tx.linkReferrals(batch) }
        }
    }
}
