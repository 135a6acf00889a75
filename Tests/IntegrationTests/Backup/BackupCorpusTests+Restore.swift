import Foundation
import MailMigCore
import Testing

extension BackupCorpusTests {
    /// A plan whose source is the backup (`maildir: { path: <backups>/{source} }`) fills an empty new
    /// user with what the original source held: the same bytes, flags, keywords and internal dates in
    /// folders of the same names. `verify --deep` passes, a second apply copies nothing, and reading
    /// the backup as a source leaves it as it was. Returns the seconds the restore took.
    func expectRestored(_ user: String, to restoreUser: String, source: MailboxSnapshot, from backedUp: MailPlanWorkspace) throws -> Double {
        let tree = backedUp.backupTree(of: user)
        let linesBefore = try tree.manifestLines()
        let template = backedUp.folder.appendingPathComponent("backups").path + "/{source}"
        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: restoreUser)], sourceMaildir: template)
        defer { workspace.remove() }
        #expect(try MailTestServers.snapshot(restoreUser, on: .target).count == 0, "the restore target starts empty")

        let started = Date()
        let first = try workspace.apply()
        let seconds = Date().timeIntervalSince(started)
        #expect(first.stdout.contains("Applied 1/1: ✓ 1 done"), "\(first.stdout)")
        let restored = try MailTestServers.snapshot(restoreUser, on: .target)
        // The backup keeps no SPECIAL-USE roles, so every folder comes back under its source name.
        let expected = BackupExpectations.expected(from: source)
        #expect(restored.multisets == expected, "restore: \(MailboxSnapshot.difference(expected: expected, actual: restored.multisets))")
        #expect(restored.allMessages.filter(\.nul).count == 2, "the messages with NUL bytes come back unaltered")
        let real = restored.folders.filter { $0.key.hasPrefix("Real/") }.values.reduce(0) { $0 + $1.messages.count }
        #expect(real == 2502, "every real-world message is restored")
        #expect(Set(restored.allMessages.flatMap(\.flags)).isSuperset(of: ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Forwarded", "Projekt-X"]))
        let store = try workspace.state()
        #expect(try store.ledger(mailbox: "\(user)@acme.test").count == source.count)
        #expect(try store.skipped(mailbox: "\(user)@acme.test").isEmpty)

        let verified = try BackupExpectations.expectVerify(workspace, ["--deep"], status: 0, "the restored mailbox")
        #expect(verified.contains("Deep verification (SHA-256 of every body) passed"), "\(verified)")
        // The manifest's line count per folder serves as its HIGHESTMODSEQ: nothing changed, nothing to do.
        let plan = try workspace.plan()
        #expect(plan.contains("No changes."), "nothing left to restore: \(plan)")
        let second = try workspace.apply()
        // Run at once, the restore leaves the question to the pass, which asks the source and finds nothing new.
        #expect(second.stdout.contains("✓ mailbox.\(user)@acme.test: nothing new since the last pass")
                && second.stdout.contains("Nothing new since the last pass in 1 mailbox\n"), "\(second.stdout)")
        #expect(try MailTestServers.snapshot(restoreUser, on: .target).multisets == restored.multisets)
        #expect(try store.ledger(mailbox: "\(user)@acme.test").count == source.count)

        #expect(try tree.manifestLines() == linesBefore, "reading the backup as a source changed its manifest")
        try BackupExpectations.expectVerify(backedUp, ["--backup"], status: 0, "the backup after it was restored from")
        return seconds
    }
}
