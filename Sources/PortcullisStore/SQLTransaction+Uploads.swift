import Foundation
import PortcullisCore
import SQLKit

extension SQLTransaction {
    func insertUpload(name: String, bytes: [UInt8], now: Int64) async throws {
        try await db.raw("""
            INSERT INTO uploads (name, bytes, created_at) VALUES (\(bind: name), \(bind: Data(bytes)), \(bind: now))
            """).run()
    }
}
