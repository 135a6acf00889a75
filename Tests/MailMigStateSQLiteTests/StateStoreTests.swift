import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigStateSQLite

/// What the SQLite state adds to the conformance suite: its schema version and its files' modes.
@Suite("State store")
struct StateStoreTests {
    /// A state in a fresh temporary folder.
    static func freshStore() throws -> (SQLiteStateStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-state-\(UUID().uuidString)/.mailmig")
        return (try SQLiteStateStore.open(folder: folder), folder)
    }

    @Test("a database written by a newer schema is refused")
    func newerSchema() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try store.queue.write { db in try db.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'") }
        #expect(throws: StateError.newerSchema(found: 99, supported: SQLiteStateStore.schemaVersion)) {
            try SQLiteStateStore.open(folder: folder)
        }
        #expect(StateError.newerSchema(found: 99, supported: 1).description
            == "the state database has schema version 99, but this mailmig supports up to 1; upgrade mailmig before using this state")
    }

    @Test("the database file is readable by its owner only, and its folder too")
    func fileMode() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let file = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((file[.posixPermissions] as? Int) == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: folder.path)
        #expect((directory[.posixPermissions] as? Int) == 0o700)
    }

    @Test("a state that does not exist is not created by openIfPresent")
    func openIfPresent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-none-\(UUID().uuidString)")
        #expect(try SQLiteStateStore.openIfPresent(folder: folder) == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
