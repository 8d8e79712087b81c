import ArgumentParser
import Foundation
import Logging
import PortcullisCore
import PortcullisHTTP

extension Users {
    /// Imports a Barong `users` export (JSON lines; README "Moving from Barong").
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import users exported from Barong (JSON lines), keeping uids and password digests."
        )
        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "The JSON-lines file.") var file: String

        func run() async throws {
            let config = try options.load()
            LogSetup.bootstrap(config)
            guard let handle = FileHandle(forReadingAtPath: file) else { throw ValidationError("--file '\(file)' cannot be read") }
            let runtime = try await Runtime.open(config: config, logger: Logger(label: "portcullis"), migrate: true, needsKey: false)
            let events = EventWriter(domain: config.domain, routing: EventSinks.routing(config: config))
            let importer = BarongUserImporter(store: runtime.store, events: events)
            let started = Date()
            var total = BarongUserImporter.Outcome()
            var batch: [(line: Int, row: ImportRow)] = []
            var referrals: [(uid: String, referralUID: String)] = []
            let now = SystemClock().now()
            func flush() async throws {
                guard !batch.isEmpty else { return }
                let outcome = try await importer.importBatch(batch, now: now)
                total.imported += outcome.imported
                total.alreadyPresent += outcome.alreadyPresent
                total.failed += outcome.failed
                batch.removeAll(keepingCapacity: true)
            }
            do {
                var number = 0
                var lines = LineReader(handle: handle)
                while let line = lines.next() {
                    number += 1
                    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                        total.failed.append((number, "not a JSON object"))
                        continue
                    }
                    switch ImportRow.parse(object, now: now) {
                    case .success(let row):
                        batch.append((number, row))
                        if let referral = row.referralUID { referrals.append((row.uid, referral)) }
                    case .failure(let failure):
                        total.failed.append((number, failure.reason))
                    }
                    if batch.count == 1_000 { try await flush() }
                }
                try await flush()
                try await importer.linkReferrals(referrals)
            } catch {
                await runtime.store.close()
                FileHandle.standardError.write(Data("portcullis: import stopped: \(error)\n".utf8))
                throw ExitCode(1)
            }
            await runtime.store.close()
            let seconds = max(Date().timeIntervalSince(started), 0.001)
            for failure in total.failed.sorted(by: { $0.line < $1.line }) {
                FileHandle.standardError.write(Data("line \(failure.line): \(failure.reason)\n".utf8))
            }
            print("imported \(total.imported), already present \(total.alreadyPresent), failed \(total.failed.count)"
                  + " in \(String(format: "%.2f", seconds)) s (\(Int(Double(total.imported) / seconds)) rows/s)")
            if !total.failed.isEmpty { throw ExitCode(1) }
        }
    }
}

/// Lines of a file read in 1 MiB chunks (an export can be large).
struct LineReader {
    let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`.
    private var start = 0
    private var finished = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return String(decoding: buffer[start..<newline], as: UTF8.self)
            }
            if finished {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            buffer.removeSubrange(..<start)
            start = 0
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { finished = true } else { buffer += chunk }
        }
    }
}
