import Foundation
import MailMigCore
import MailMigIMAP
import Testing

/// Later passes over a migrated mailbox: a re-created source folder and changed flags.
@Suite("Mail migration: incremental passes", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailIncrementalPassTests {
    @Test("a source folder deleted and re-created with the same messages (new UIDVALIDITY) is not copied again")
    func recreatedFolder() throws {
        let migrated = try MigratedMailbox("uidvalidity")
        defer { migrated.cleanUp() }
        try migrated.expectTargetMatchesSource("after the first pass")
        let folder = "R&D Notizen"
        let count = try MailTestServers.snapshot(migrated.user, on: .source).folders[folder]?.messages.count ?? 0
        #expect(count > 0, "the corpus has messages in \(folder)")
        let before = try #require(try migrated.folderRecord(folder))

        try MailTestServers.doveadm(.source, ["mailbox", "delete", "-u", migrated.user, folder])
        try MailTestServers.load(migrated.corpus.appendingPathComponent("mbox01"), into: migrated.user, only: folder)
        _ = try migrated.workspace.apply()

        let after = try #require(try migrated.folderRecord(folder))
        #expect(after.uidValidity != before.uidValidity, "the re-created folder has a new UIDVALIDITY")
        try migrated.expectTargetMatchesSource("after the folder was re-created")
        #expect(try migrated.mailboxRecord()?.lastResult?.rekeyed == count)
        #expect(try migrated.mailboxRecord()?.lastResult?.copied == 0)
    }

    @Test("a flag added and a keyword removed on the source arrive on the target at the next apply")
    func changedFlags() async throws {
        let migrated = try MigratedMailbox("flags")
        defer { migrated.cleanUp() }
        let source = try MailTestServers.snapshot(migrated.user, on: .source)
        let inbox = try #require(source.folders["INBOX"]?.messages)
        let unflagged = try #require(inbox.first { !$0.flags.contains("\\Flagged") })
        let keyworded = try #require(source.allMessages.first { $0.flags.contains("Projekt-X") })
        let keywordFolder = try #require(source.folders.first { $0.value.messages.contains(keyworded) }?.key)

        let client = try await MailTestServers.client(migrated.user, on: .source)
        _ = try await client.select("INBOX")
        _ = try await client.store(UIDSet([unflagged.uid]), .add, flags: ["\\Flagged"])
        _ = try await client.select(keywordFolder.replacingOccurrences(of: "/", with: try MailTestServers.separator(.source)))
        _ = try await client.store(UIDSet([keyworded.uid]), .remove, flags: ["Projekt-X"])
        try await client.logout()

        #expect(try migrated.workspace.plan().contains("flags may have changed"))
        _ = try migrated.workspace.apply()
        try migrated.expectTargetMatchesSource("after the flag changes")
        let target = try MailTestServers.snapshot(migrated.user, on: .target)
        #expect(target.allMessages.contains { $0.sha256 == unflagged.sha256 && $0.flags.contains("\\Flagged") })
        #expect(target.allMessages.contains { $0.sha256 == keyworded.sha256 && !$0.flags.contains("Projekt-X") })
        #expect((try migrated.mailboxRecord()?.lastResult?.flagUpdates ?? 0) >= 2)
        #expect(try migrated.mailboxRecord()?.lastResult?.copied == 0)
    }
}
