import Foundation
@testable import MailMigCore
import MailMigStateSQLite
import Testing

/// A pass reads a mailbox's folder records in one query: each folder must get its own record and no
/// other mailbox's, whatever the names.
@Suite("Folder records of a pass")
struct FolderRecordsTests {
    @Test("each folder gets its own record: other mailboxes, other copies and NFC/NFD spellings stay apart")
    func recordsByExactPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folder-records-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStateStore.open(folder: folder)
        let composed = "Ablage/\u{00DC}berweisungen"     // Ü as one character
        let decomposed = "Ablage/U\u{0308}berweisungen"  // U and a combining diaeresis
        let accentFirst = "\u{0301}Notes"                // a name that starts with a combining mark
        func record(_ path: String, _ validity: UInt32) -> FolderRecord {
            FolderRecord(source: path, target: path, uidValidity: validity, messages: Int(validity), stage: .sync, at: Date(timeIntervalSince1970: 0))
        }
        let alice = "alice@acme.test"
        var changes: [ResourceChange] = []
        for (key, path, validity) in [(alice, "INBOX", UInt32(1)), (alice, composed, 2), (alice, decomposed, 3), (alice, accentFirst, 4),
                                      ("alice@acme.test.old", "INBOX", 5), (MailboxCopier.ledgerKey(alice, scope: MailboxCopier.backupScope), "INBOX", 6)] {
            changes.append(try .put(FolderRecord.address(mailbox: key, folder: path), kind: FolderRecord.kind, record(path, validity)))
        }
        changes.append(.put(address: FolderRecord.address(mailbox: alice, folder: "Other"), kind: "note", attributes: Data("{}".utf8)))
        try store.commit(changes)

        let records = try FolderRecords.read(mailbox: alice, from: store)
        #expect(records["INBOX"]?.uidValidity == 1)
        #expect(records[composed]?.uidValidity == 2)
        #expect(records[decomposed]?.uidValidity == 3)
        #expect(records[accentFirst]?.uidValidity == 4)
        #expect(records["Other"] == nil, "a resource of another kind is no folder record")
        #expect(records["Sent"] == nil)
        let backup = try FolderRecords.read(mailbox: MailboxCopier.ledgerKey(alice, scope: MailboxCopier.backupScope), from: store)
        #expect(backup["INBOX"]?.uidValidity == 6)
        #expect(try FolderRecords.read(mailbox: "alice@acme.test.old", from: store)["INBOX"]?.uidValidity == 5)
    }
}
