import Foundation
import PortcullisCore

/// Uploaded files under `upload_path`, named by 32 random hex characters;
/// written to a temporary name and renamed, so a crash leaves no half file.
public struct LocalFileStore: FileStore {
    let directory: String

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func save(_ bytes: [UInt8], ext: String) async throws -> String {
        let name = SecureRandom.hex(bytes: 16) + "." + ext
        let path = (directory as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: [.atomic])
        return name
    }

    public func delete(_ name: String) async {
        try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
    }
}
