import Foundation
import MailMigCore
import Testing

/// A mailbox backed up by the real binary on its way to the target, then restored from that backup
/// to a new user, then damaged on disk: the backup holds every message exactly, `verify --backup`
/// says so and finds the damage, and a restore gives back what the source held.
///
/// One test in phases, because the corpus (with every real-world message) takes longest to load and
/// each phase needs the backup the one before it made; the damage comes last, after the restore.
@Suite("Backup: corpus, verify --backup, restore, damage", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct BackupCorpusTests {
    @Test("generated and real-world corpus backed up exactly, verified, restored to a new user exactly; a flipped byte is found")
    func backupRestoreAndDamage() throws {
        let user = MailTestServers.uniqueUser("backup")
        let restoreUser = MailTestServers.uniqueUser("restore")
        defer { MailTestServers.removeUsers([user, restoreUser]) }
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        try MailTestServers.addUser(restoreUser, on: .target)
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "150", "--seed", "17", "--large", "1",
                                                   "--large-min", "6000000", "--large-max", "6500000"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        try MailTestServers.load(try MailTestServers.realCorpus(), into: user, prefix: "Real")
        let source = try MailTestServers.snapshot(user, on: .source)
        #expect(source.allMessages.contains { $0.size > 5_000_000 })
        #expect(source.allMessages.filter(\.nul).count == 2, "the real corpus has two messages with NUL bytes")
        #expect(source.folders["Kunden/ACME Corp/2024"]?.messages.isEmpty == false, "the corpus has mail in a nested folder")

        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], backup: "backups/")
        defer { workspace.remove() }
        let started = Date()
        let first = try workspace.apply()
        let applySeconds = Date().timeIntervalSince(started)
        #expect(first.stdout.contains("Applied 1/1: ✓ 1 done"))
        try expectBackedUp(user, source: source, workspace: workspace)
        try expectStatus(user, source: source, workspace: workspace)
        let restoreSeconds = try expectRestored(user, to: restoreUser, source: source, from: workspace)
        try expectDamageFound(user, workspace: workspace)
        print("backup corpus: \(source.count) messages, first apply with backup \(String(format: "%.1f", applySeconds)) s, "
              + "restore \(String(format: "%.1f", restoreSeconds)) s")
    }

    /// After the first apply: the target as the fidelity suite checks it, the tree on disk complete
    /// with private modes, `verify --backup` clean, and a second apply with nothing to copy to either.
    func expectBackedUp(_ user: String, source: MailboxSnapshot, workspace: MailPlanWorkspace) throws {
        let target = try MailTestServers.snapshot(user, on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "target: \(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        #expect(target.allMessages.filter(\.nul).count == 2)
        let store = try workspace.state()
        #expect(try store.ledger(mailbox: "\(user)@acme.test").count == source.count)
        #expect(try store.skipped(mailbox: "\(user)@acme.test").isEmpty)

        let tree = workspace.backupTree(of: user)
        let files = try BackupExpectations.expectComplete(tree, source: source, workspace: workspace, "after the first apply")
        let wrongModes = try tree.wrongModes()
        #expect(wrongModes.isEmpty, "modes in \(tree.root.path): \(wrongModes.prefix(5))")
        let lines = try tree.manifestLines()
        #expect(lines.count == source.count, "one manifest line per message after the first apply, found \(lines.count)")
        #expect(lines.allSatisfy { $0.source != nil }, "every line records how the source names its message")
        let entries = try tree.manifestEntries()
        let misdated = files.filter { file in
            let date = entries[BackupTree.identity(folder: file.folder, key: file.key)].flatMap { MessageDate.parse($0.internalDate) }
            return date.map { Int($0.timeIntervalSince1970) } != file.modified
        }
        #expect(misdated.isEmpty, "files whose modification time is not their internal date: \(misdated.prefix(3).map(\.file))")

        let verified = try BackupExpectations.expectVerify(workspace, ["--backup"], status: 0, "a fresh backup")
        #expect(verified.contains("✓ \(user)@acme.test → backup"), "\(verified)")

        #expect(try workspace.plan().contains("No changes."), "nothing left to back up or copy")
        let second = try workspace.apply()
        #expect(!second.stdout.contains("Applied"), "a second apply has nothing to apply: \(second.stdout)")
        #expect(try tree.manifestLines().count == lines.count, "a second apply wrote nothing to the backup")
        #expect(try tree.messageFiles().count == files.count)
        #expect(try MailTestServers.snapshot(user, on: .target).multisets == target.multisets)
    }

    /// `mailmig status` shows the backup of the mailbox with its message count and the last verify --backup.
    func expectStatus(_ user: String, source: MailboxSnapshot, workspace: MailPlanWorkspace) throws {
        let status = try workspace.mailmig(["status"])
        #expect(status.status == 0, "\(status.stdout)\n\(status.stderr)")
        let line = status.stdout.split(separator: "\n").first { $0.contains("backup:") }.map(String.init) ?? ""
        #expect(line.contains("backup: \(ReportFormatting.plural(source.count, "message"))"), "status: \(status.stdout)")
        #expect(line.contains("verify --backup: passed"), "status: \(status.stdout)")
    }
}
