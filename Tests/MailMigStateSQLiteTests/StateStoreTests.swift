import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigStateSQLite

/// A value stored as a resource's attributes.
private struct Note: Codable, Equatable {
    var text: String
}

/// The SQLite state: serials, history, point-in-time reads, schema versions, file mode.
@Suite("State store")
struct StateStoreTests {
    /// A state in a fresh temporary folder.
    static func freshStore() throws -> (SQLiteStateStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-state-\(UUID().uuidString)/.mailmig")
        return (try SQLiteStateStore.open(folder: folder), folder)
    }

    @Test("a new state has a lineage, serial 0 and the current schema version")
    func newState() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let meta = try store.meta()
        #expect(meta.serial == 0)
        #expect(meta.schemaVersion == SQLiteStateStore.schemaVersion)
        #expect(UUID(uuidString: meta.lineage) != nil)
        #expect(try SQLiteStateStore.open(folder: folder).meta() == meta)
    }

    @Test("the serial increments once per committed change")
    func serialPerChange() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try store.commit([.put("a", kind: "note", Note(text: "1")), .put("b", kind: "note", Note(text: "1"))]) == 1)
        #expect(try store.commit([.put("a", kind: "note", Note(text: "2"))]) == 2)
        #expect(try store.commit([.remove(address: "b")]) == 3)
        #expect(try store.commit([]) == 3)
        #expect(try store.meta().serial == 3)
        #expect(try store.resources().map(\.address) == ["a"])
        #expect(try store.resource("a")?.serial == 2)
        #expect(try store.resource("a")?.decode(Note.self) == Note(text: "2"))
    }

    @Test("a write that changes nothing does not increment the serial")
    func noOpWrites() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try store.commit([.put("a", kind: "note", Note(text: "1"))])
        #expect(try store.commit([.put("a", kind: "note", Note(text: "1"))]) == 1)
        #expect(try store.commit([.remove(address: "missing")]) == 1)
        #expect(try store.meta().serial == 1)
        #expect(try store.history().count == 1)
    }

    @Test("history keeps every change newest first; resources(asOf:) returns values as they were")
    func historyAndAsOf() throws {
        let (store, folder) = try Self.freshStore()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try store.commit([.put("a", kind: "note", Note(text: "1"))], applyID: "first")   // serial 1
        try store.commit([.put("a", kind: "note", Note(text: "2")), .put("b", kind: "note", Note(text: "x"))])  // 2
        try store.commit([.remove(address: "a")])  // 3

        let history = try store.history()
        #expect(history.map(\.serial) == [3, 2, 2, 1])
        #expect(history.map(\.action) == ["remove", "put", "put", "put"])
        #expect(history.last?.applyID == "first")
        #expect(history.last?.before == nil)
        #expect(try store.history(address: "a").map(\.serial) == [3, 2, 1])
        #expect(try store.history(address: "a").first?.after == nil)

        let atOne = try store.resources(asOf: 1)
        #expect(Set(atOne.keys) == ["a", "b"])
        #expect(try atOne["a"]?.attributes.map { try StateCoding.decoder.decode(Note.self, from: $0) } == Note(text: "1"))
        #expect(atOne["b"]?.attributes == nil)
        #expect(atOne["a"]?.kind == "note")
        let atTwo = try store.resources(asOf: 2)
        #expect(Set(atTwo.keys) == ["a"])
        #expect(try atTwo["a"]?.attributes.map { try StateCoding.decoder.decode(Note.self, from: $0) } == Note(text: "2"))
        #expect(try store.resources(asOf: 3).isEmpty)
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
