import Foundation
import MailMigCore
import MailMigIMAP
import Testing

/// Later passes over a migrated mailbox: a re-created source folder and changed flags.
@Suite("Mail migration: incremental passes", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailIncrementalPassTests {
    /// A source user loaded with a small generated corpus, a target user, a plan, and a first pass done.
    struct Migrated {
        let user: String
        let corpus: URL
        let workspace: MailPlanWorkspace

        init(_ base: String) throws {
            user = MailTestServers.uniqueUser(base)
            try MailTestServers.addUser(user, on: .source)
            try MailTestServers.addUser(user, on: .target)
            corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "120", "--seed", "5", "--attachments", "0.02",
                                                   "--attachment-max", "300000"])
            try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
            workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)])
            _ = try workspace.apply()
        }

        var address: String { "\(user)@acme.test" }

        /// The target equals the source under the default rules.
        func expectTargetMatchesSource(_ context: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let expected = MailFolderRules().expected(from: try MailTestServers.snapshot(user, on: .source))
            let actual = try MailTestServers.snapshot(user, on: .target).multisets
            #expect(actual == expected, "\(context):\n\(MailboxSnapshot.difference(expected: expected, actual: actual))", sourceLocation: sourceLocation)
        }

        func folderRecord(_ folder: String) throws -> FolderRecord? {
            try workspace.state().resource(FolderRecord.address(mailbox: address, folder: folder)).map { try $0.decode(FolderRecord.self) }
        }

        func mailboxRecord() throws -> MailboxRecord? {
            try workspace.state().resource(MailboxRecord.address(address)).map { try $0.decode(MailboxRecord.self) }
        }

        func cleanUp() {
            workspace.remove()
            try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent())
            MailTestServers.removeUsers([user])
        }
    }

    @Test("a source folder deleted and re-created with the same messages (new UIDVALIDITY) is not copied again")
    func recreatedFolder() throws {
        let migrated = try Migrated("uidvalidity")
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
        let migrated = try Migrated("flags")
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
