import Foundation
import MailMigCore
import Testing

extension MailPlanWorkspace {
    /// The backup tree of a source user (`<backup>/<address lower-cased>`), the form the plan's `backup:` gives it.
    func backupTree(of user: String) -> BackupTree {
        BackupTree(root: folder.appendingPathComponent(backup ?? "backups/").appendingPathComponent("\(user)@acme.test".lowercased()))
    }
}

/// What a complete backup of a source mailbox must be, checked on the disk and in the state.
enum BackupExpectations {
    /// The backup keeps every folder under its source name: the source's multisets as they are.
    static func expected(from source: MailboxSnapshot) -> [String: [MailboxSnapshot.Fingerprint]] {
        MailFolderRules(automap: false).expected(from: source)
    }

    /// Every source message is in the tree exactly once: one file and one manifest entry each, with the
    /// source's bytes, flags and internal date in its source folder; every file has its line and every
    /// line its file; the ledger of the backup holds each message once, nothing is pending and nothing
    /// is recorded as stored otherwise than sent.
    /// Returns the tree's files for further checks.
    @discardableResult
    static func expectComplete(_ tree: BackupTree, source: MailboxSnapshot, workspace: MailPlanWorkspace, _ context: String,
                               sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [BackupTree.MessageFile] {
        #expect(tree.exists, "\(context): no backup at \(tree.root.path)", sourceLocation: sourceLocation)
        guard tree.exists else { return [] }
        let files = try tree.messageFiles()
        let entries = try tree.manifestEntries()
        #expect(files.count == source.count, "\(context): \(files.count) message files for \(source.count) source messages", sourceLocation: sourceLocation)
        #expect(entries.count == source.count, "\(context): \(entries.count) manifest entries for \(source.count) source messages", sourceLocation: sourceLocation)
        let identities = files.map { BackupTree.identity(folder: $0.folder, key: $0.key) }
        #expect(Set(identities).count == files.count, "\(context): two files of one message", sourceLocation: sourceLocation)
        let unrecorded = files.filter { entries[BackupTree.identity(folder: $0.folder, key: $0.key)] == nil }.map(\.file)
        #expect(unrecorded.isEmpty, "\(context): files without a manifest line: \(unrecorded.prefix(3))", sourceLocation: sourceLocation)
        let missing = Set(entries.keys).subtracting(identities)
        #expect(missing.isEmpty, "\(context): manifest entries without a file: \(missing.count)", sourceLocation: sourceLocation)
        let expected = expected(from: source)
        let actual = tree.multisets(files: files, entries: entries)
        #expect(actual == expected, "\(context):\n\(MailboxSnapshot.difference(expected: expected, actual: actual))", sourceLocation: sourceLocation)
        let store = try workspace.state()
        let ledgerKey = "backup:\(source.user)@acme.test"
        #expect(try store.ledger(mailbox: ledgerKey).count == source.count, "\(context): rows in the backup's ledger", sourceLocation: sourceLocation)
        #expect(try store.pendingCopies(mailbox: ledgerKey).isEmpty, "\(context): backup copies left pending", sourceLocation: sourceLocation)
        #expect(try store.skipped(mailbox: ledgerKey).isEmpty, "\(context): messages left out of the backup", sourceLocation: sourceLocation)
        // A Maildir stores every flag and date as given; a difference recorded as the store's limit would
        // excuse a loss from verify --backup.
        let rewrites = try store.targetRewrites(mailbox: ledgerKey).map { "\($0.folder) \($0.uid) \($0.attribute): sent \($0.sent), stored \($0.stored)" }
        #expect(rewrites.isEmpty, "\(context): recorded as stored differently in the backup: \(rewrites.prefix(3))", sourceLocation: sourceLocation)
        return files
    }

    /// `mailmig verify ARGS` exits with `status`; its output.
    @discardableResult
    static func expectVerify(_ workspace: MailPlanWorkspace, _ arguments: [String], status: Int32, _ context: String,
                             sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let output = try workspace.mailmig(["verify"] + arguments)
        #expect(output.status == status, "\(context): mailmig verify \(arguments.joined(separator: " ")) exited with \(output.status):\n\(output.stdout)\n\(output.stderr)",
                sourceLocation: sourceLocation)
        return output.stdout + output.stderr
    }
}
