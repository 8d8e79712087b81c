import Foundation
import PortcullisCore
import SQLKit

extension SQLTransaction {
    func insertUpload(name: String, bytes: [UInt8], now: Int64) async throws {
        try await db.raw("""
            INSERT INTO uploads (name, bytes, created_at) VALUES (\(bind: name), \(bind: Data(bytes)), \(bind: now))
            """).run()
    }

    func upload(name: String) async throws -> [UInt8]? {
        guard let row = try await db.raw("SELECT bytes FROM uploads WHERE name = \(bind: name)").first() else { return nil }
        return [UInt8](try row.decode(column: "bytes", as: Data.self))
    }
}
