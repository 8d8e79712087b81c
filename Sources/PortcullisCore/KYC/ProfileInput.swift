import Foundation

/// The profile fields a client may send; nil = not sent.
public struct ProfileInput: Sendable {
    public var firstName, lastName, dob, address, postcode, city, country, metadata: String?
    public var confirm: Bool

    public init(firstName: String?, lastName: String?, dob: String?, address: String?, postcode: String?, city: String?,
                country: String?, metadata: String?, confirm: Bool) {
        self.firstName = firstName; self.lastName = lastName; self.dob = dob; self.address = address
        self.postcode = postcode; self.city = city; self.country = country; self.metadata = metadata; self.confirm = confirm
    }
}

/// Profile field rules; each applies only to a non-empty value.
enum ProfileRules {
    static let nameExtras: Set<Unicode.Scalar> = ["_", " ", "-", "'"]
    static let cityExtras: Set<Unicode.Scalar> = nameExtras.union(["–", ".", "~"])
    static let postcodeExtras: Set<Unicode.Scalar> = ["_", " ", "-"]
    static let addressExtras: Set<Unicode.Scalar> = ["_", " ", "-", "–", ",", ".", "~", ";", "/", ":", "#", "\"", "\\", "&", "'", "(", ")"]

    static func squish(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func check(_ value: String?, _ attribute: String, min: Int, extras: Set<Unicode.Scalar>) -> String? {
        guard let value, !value.isEmpty else { return nil }
        if value.count < min { return "\(attribute).too_short" }
        if value.count > 255 { return "\(attribute).too_long" }
        let allowed = value.unicodeScalars.allSatisfy { isLetterOrNumber($0) || extras.contains($0) }
        return allowed ? nil : "\(attribute).invalid"
    }

    /// "Letters" per scalar: `Character.isLetter` looks at a cluster's first
    /// scalar only, so `"\u{0D4E}<"` (a prepend letter and `<`) passed as one
    /// letter. Marks (Mn, Mc, Me) count with letters: names in many scripts need them.
    static func isLetterOrNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// `YYYY-MM-DD` as a real calendar date, or nil.
    static func date(_ text: String) -> DateComponents? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let components = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m else { return nil }
        return components
    }

    /// Whether a `YYYY-MM-DD` date lies after `now` (UTC).
    static func isFuture(_ text: String, now: Int64) -> Bool {
        text > Timestamp.iso8601(now).prefix(10)
    }

    static func errors(_ p: Profile, now: Int64) -> [String] {
        var errors = [
            check(p.firstName, "first_name", min: 1, extras: nameExtras),
            check(p.lastName, "last_name", min: 1, extras: nameExtras),
            check(p.city, "city", min: 1, extras: cityExtras),
            check(p.postcode, "postcode", min: 2, extras: postcodeExtras),
            check(p.address, "address", min: 1, extras: addressExtras),
        ].compactMap { $0 }
        if let country = p.country, !country.isEmpty, !Countries.isValid(country) { errors.append(ErrorKey.Record.countryInvalid) }
        if let dob = p.dob, !dob.isEmpty {
            if date(dob) == nil { errors.append("dob.invalid_format") } else if isFuture(dob, now: now) { errors.append("dob.invalid") }
        }
        if let metadata = p.metadata, !metadata.isEmpty,
           (try? JSONSerialization.jsonObject(with: Data(metadata.utf8), options: [.fragmentsAllowed])) == nil {
            errors.append("metadata.invalid_format")
        }
        return errors
    }
}
