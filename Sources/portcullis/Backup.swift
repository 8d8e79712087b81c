import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisStore

/// `portcullis backup --out FILE`: a consistent copy of the SQLite database,
/// safe to run while `serve` answers (README, "Backups"). PostgreSQL
/// deployments use pg_dump instead.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite database consistently while the server runs (PostgreSQL: use pg_dump)."
    )
    @OptionGroup var options: ConfigOptions
    @Option(name: .long, help: "The file to write; it must not exist.") var out: String

    func run() async throws {
        let config = try options.load()
        LogSetup.bootstrap(config)
        let logger = Logger(label: "portcullis")
        guard let source = config.sqlitePath else {
            throw configurationError("backup copies the SQLite database; for PostgreSQL use pg_dump (see the README)")
        }
        guard FileManager.default.fileExists(atPath: source) else {
            throw configurationError("database_url: no database at '\(source)'")
        }
        guard !FileManager.default.fileExists(atPath: out) else { throw configurationError("--out: '\(out)' already exists") }
        // Written beside the target, checked, then renamed: a failed or
        // interrupted run never leaves a file that looks like a backup.
        let partial = out + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let store = try await SQLiteStore.open(path: source, readers: 1, logger: logger)
            do {
                try await store.backup(to: partial)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            let (ok, users) = try await SQLiteStore.verifyCopy(at: partial, logger: logger)
            guard ok else { throw BackupFailed(reason: "the copy fails PRAGMA quick_check") }
            try FileManager.default.moveItem(atPath: partial, toPath: out)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("backup written: \(out) (\(size) bytes, \(users) users)")
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            FileHandle.standardError.write(Data("portcullis: backup failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct BackupFailed: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
