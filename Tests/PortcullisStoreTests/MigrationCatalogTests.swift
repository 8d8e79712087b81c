import Foundation
import PortcullisMigrations
import PortcullisPostgresMigrations
import SQLKit
import Testing
@testable import PortcullisStore

/// The migrations cannot drift: both dialects embed exactly the files on
/// disk, under the same names, and an applied migration that changed stops
/// start-up naming it.
struct MigrationCatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Migrations")

    static func filesOnDisk(_ dialect: String) throws -> [(name: String, sql: String)] {
        let directory = root.appendingPathComponent(dialect)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted().map {
            (String($0.dropLast(4)), try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8))
        }
    }

    @Test func eachDialectEmbedsExactlyTheFilesOnDiskInOrder() throws {
        for (dialect, embedded) in [("sqlite", SQLiteMigrations.all), ("postgres", PostgresMigrations.all)] {
            let disk = try Self.filesOnDisk(dialect)
            #expect(embedded.map(\.name) == disk.map(\.name), "\(dialect): the embedded list is the directory's")
            for (file, compiled) in zip(disk, embedded) {
                #expect(file.sql == compiled.sql, "\(dialect)/\(file.name).sql is embedded as it is on disk")
            }
        }
    }

    @Test func bothDialectsHaveTheSameNumberedMigrations() throws {
        let names = SQLiteMigrations.all.map(\.name)
        #expect(names == PostgresMigrations.all.map(\.name))
        // Numbered 0001, 0002, … with no gap or repeat: the order they apply in.
        let numbers = names.compactMap { Int($0.prefix(4)) }
        #expect(numbers == Array(1...names.count))
        #expect(names.allSatisfy { $0.range(of: #"^\d{4}_[a-z0-9_]+$"#, options: .regularExpression) != nil })
    }

    @Test func theChecksumIgnoresCommentsButNotStatements() {
        let checksum = { (sql: String) in Migrator.checksum(SQLStatementSplitter.split(sql)) }
        let base = checksum("-- the first words\nCREATE TABLE t (a INT);\n")
        #expect(checksum("-- other words entirely\n\nCREATE TABLE t (a INT);") == base)
        #expect(checksum("CREATE TABLE t (a INT, b INT);") != base)
        #expect(checksum("CREATE TABLE t (a INT); CREATE INDEX i ON t (a);") != base)
    }

    @Test func aChangedAppliedMigrationStopsStartUpNamingIt() async throws {
        try await withTemporaryStore { store in
            let names = SQLiteMigrations.all.map(\.name)
            try await store.write { tx in
                let db = try #require((tx as? SQLTransaction)?.db)
                let rows = try await db.raw("SELECT name FROM schema_migrations WHERE checksum IS NOT NULL").all()
                #expect(rows.count == names.count, "every applied migration has its checksum")
                try await db.raw("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0003_shared_limits'").run()
            }
            await #expect(throws: MigrationChanged.self) { try await store.verifyMigrations() }
            do {
                _ = try await store.migrate()
                Issue.record("migrate passed over a changed migration")
            } catch let error as MigrationChanged {
                #expect(error.name == "0003_shared_limits")
                #expect(error.description.contains("migration 0003_shared_limits was changed"))
            }
        }
    }

    @Test func rowsFromBeforeChecksumsGetTheirsOnTheNextMigration() async throws {
        try await withTemporaryStore { store in
            try await store.write { tx in
                let db = try #require((tx as? SQLTransaction)?.db)
                try await db.raw("UPDATE schema_migrations SET checksum = NULL").run()
            }
            try await store.verifyMigrations()
            #expect(try await store.migrate().isEmpty, "nothing applied again")
            let unrecorded = try await store.read { tx in
                try await (tx as? SQLTransaction)?.db.raw("SELECT name FROM schema_migrations WHERE checksum IS NULL").all().count
            }
            #expect(unrecorded == 0)
        }
    }
}
