import Foundation
import GRDB
import Testing
@testable import MailMigCore
@testable import MailMigStateSQLite

/// A state written by an earlier release opens, and keeps every copy it recorded.
@Suite("State store: schema upgrades")
struct StateSchemaUpgradeTests {
    /// A state folder whose database is at schema 3 (ledger keyed by integer UIDs), with one copied,
    /// one pending, one skipped and one rewritten message.
    static func schema3State() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-v3-\(UUID().uuidString)/.mailmig")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("state.sqlite").path)
        try StateSchema.migrator.migrate(queue, upTo: "v3-target-rewrites")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('lineage', 'b0b0b0b0-0000-4000-8000-000000000003'), ('serial', '4'), ('schema_version', '3')")
            try db.execute(sql: """
                INSERT INTO ledger VALUES ('alice@acme.test', 'INBOX', 77, 10, '<a@x>', 100, '01-Feb-2026 10:00:00 +0000', 'aa', '["\\\\Seen"]',
                                           'INBOX', 88, 3, '2026-02-01T10:00:00Z');
                INSERT INTO ledger VALUES ('alice@acme.test', 'INBOX', 77, 9, '<b@x>', 200, '01-Feb-2026 10:00:00 +0000', 'bb', '[]',
                                           'INBOX', NULL, NULL, '2026-02-01T10:00:00Z');
                INSERT INTO copy_pending VALUES ('alice@acme.test', 'INBOX', 77, 11, NULL, 300, '01-Feb-2026 10:00:00 +0000', 'cc', '[]',
                                                 'INBOX', '2026-02-01T10:00:00Z');
                INSERT INTO skipped VALUES ('alice@acme.test', 'INBOX', 77, 12, 40000000, NULL, NULL, 'too large', '2026-02-01T10:00:00Z');
                INSERT INTO target_rewrite VALUES ('alice@acme.test', 'INBOX', 77, 10, 'flags', '$Odd', '', '2026-02-01T10:00:00Z');
                """)
        }
        return folder
    }

    @Test("a schema-3 state opens at the current schema with its ledger, pending, skipped and rewritten messages by UID")
    func schema3Opens() throws {
        let folder = try Self.schema3State()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let store = try SQLiteStateStore.open(folder: folder)
        let meta = try store.meta()
        #expect(meta.schemaVersion == SQLiteStateStore.schemaVersion)
        #expect(meta.serial == 4)
        #expect(meta.lineage == "b0b0b0b0-0000-4000-8000-000000000003")

        let rows = try store.ledger(mailbox: "alice@acme.test", folder: nil)
        #expect(rows.map(\.uid) == [9, 10], "UIDs keep their numeric order")
        #expect(rows.last?.targetUID == 3)
        #expect(rows.last?.flags == ["\\Seen"])
        #expect(rows.first?.targetUID == nil)
        #expect(try store.ledgerUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77) == [9, 10])
        #expect(try store.targetUIDs(mailbox: "alice@acme.test", targetFolder: "INBOX", targetUIDValidity: 88) == [3])
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").map(\.uid) == [11])
        #expect(try store.skippedUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77) == [12])
        #expect(try store.targetRewrites(mailbox: "alice@acme.test", folder: "INBOX").map(\.uid) == [10])
        // A copy recorded by the earlier release is one the ledger knows: the next pass skips it.
        #expect(try store.ledger(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uids: [10, 11]).map(\.uid) == [10])
    }

    @Test("reading a schema-3 state (status, report) changes nothing in the file, and still reads it converted")
    func readingChangesNothing() throws {
        let folder = try Self.schema3State()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let file = folder.appendingPathComponent("state.sqlite")
        let before = try Data(contentsOf: file)
        let backend = SQLiteStateBackend(folder: folder)
        let store = try #require(try backend.openIfPresent())
        #expect(try store.ledger(mailbox: "alice@acme.test", folder: nil).map(\.uid) == [9, 10])
        #expect(try store.meta().serial == 4)
        #expect(try Data(contentsOf: file) == before, "the file is untouched")
        let queue = try DatabaseQueue(path: file.path)
        #expect(try queue.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'schema_version'") } == "3")
        // A writing command (under the lock) brings it up to date.
        #expect(try backend.open().meta().schemaVersion == SQLiteStateStore.schemaVersion)
        #expect(try queue.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'schema_version'") } == "\(SQLiteStateStore.schemaVersion)")
    }

    @Test("reading a state refuses a newer schema and creates none where there is none")
    func readingRefusesNewerAndCreatesNothing() throws {
        let folder = try Self.schema3State()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("state.sqlite").path)
        try queue.write { try $0.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'") }
        #expect(throws: StateError.newerSchema(found: 99, supported: SQLiteStateStore.schemaVersion)) {
            try SQLiteStateBackend(folder: folder).openIfPresent()
        }
        let none = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-none-\(UUID().uuidString)/.mailmig")
        #expect(try SQLiteStateBackend(folder: none).openIfPresent() == nil)
        #expect(!FileManager.default.fileExists(atPath: none.path))
    }
}
