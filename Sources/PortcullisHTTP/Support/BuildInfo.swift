import Foundation

/// What `version` reports. The tag and sha come from the build environment
/// when the Makefile provides them (`PORTCULLIS_GIT_*` at run time).
public enum BuildInfo {
    public static let version = "0.1.0"

    static var gitTag: String { ProcessInfo.processInfo.environment["PORTCULLIS_GIT_TAG"] ?? "v\(version)" }
    static var gitSHA: String { ProcessInfo.processInfo.environment["PORTCULLIS_GIT_SHA"] ?? "unknown" }

    /// The executable's modification time, RFC 3339.
    static var buildDate: String {
        let path = CommandLine.arguments.first ?? ""
        let date = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
