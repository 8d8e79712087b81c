import Foundation
import Logging
import PortcullisCore

/// Sets up swift-log once per process: `log_format` text or json, `log_level`.
enum LogSetup {
    static func bootstrap(_ config: Config) {
        let level = config.logLevel
        let json = config.logFormat == .json
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// swift-log's StreamLogHandler on stderr, with its metadata rendered only
/// when something is logged: StreamLogHandler re-renders all of it each time
/// one key is set, and Hummingbird sets a request id on every request (3 %
/// of a `public/ping` profile, whether or not the request logs anything).
struct TextLogHandler: MetadataKeeping {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    func log(event: LogEvent) {
        var stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }
}

/// One JSON object per line on stderr.
struct JSONLogHandler: MetadataKeeping {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "label": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }
}

/// Both handlers keep their metadata in a plain dictionary.
protocol MetadataKeeping: LogHandler {}

extension MetadataKeeping {
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
