import Foundation
import MailMigCore
import Testing

/// One kill of `mailmig apply` with `backup:` in a new workspace towards a new target user, then
/// applies until one succeeds, then every check that the backup and the target hold each source
/// message exactly once.
struct BackupCrashTrial {
    /// How the first apply is killed.
    enum Kill: CustomStringConvertible {
        /// At a `MAILMIG_FAULT` crash point.
        case fault(String)
        /// `kill -9` after so many seconds.
        case after(Double)
        /// `kill -9` as soon as the backup's manifest holds so many lines: at a moment inside the
        /// backup's writing that no crash point marks, possibly in the middle of one message.
        case backupLines(Int)

        /// Whether the apply may end before the kill (a moment that comes too late); the others always kill.
        var mayMiss: Bool {
            if case .after = self { return true }
            return false
        }

        var description: String {
            switch self {
            case .fault(let fault): return "MAILMIG_FAULT=\(fault)"
            case .after(let seconds): return "kill -9 after \(String(format: "%.2f", seconds)) s"
            case .backupLines(let lines): return "kill -9 at \(lines) manifest lines"
            }
        }
    }

    var index: Int
    var kill: Kill
    /// Whether the last write to the tree is torn after the kill (`tearLastWrite`).
    var torn = false

    /// Runs the trial against `sourceUser` (whose mailbox is `source`) and a new target user it adds
    /// to `users`; returns a line for the test's output.
    func run(sourceUser: String, source: MailboxSnapshot, users: inout [String]) throws -> (line: String, killed: Bool) {
        let targetUser = "\(sourceUser)-t\(index)"
        users.append(targetUser)
        try MailTestServers.addUser(targetUser, on: .target)
        defer { MailTestServers.removeUser(targetUser, on: .target) }
        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: sourceUser, target: targetUser)], backup: "backups/")
        defer { workspace.remove() }
        let tree = workspace.backupTree(of: sourceUser)
        let first: (killed: Bool, output: String)
        switch kill {
        case .fault(let fault): first = try workspace.applyKilled(after: nil, fault: fault)
        case .after(let seconds): first = try workspace.applyKilled(after: seconds, fault: nil)
        case .backupLines(let lines): first = try workspace.applyKilled(after: nil, fault: nil) { tree.manifestLineEnds() >= lines }
        }
        if !kill.mayMiss {
            #expect(first.killed, "trial \(index) (\(kill)): the apply was never killed:\n\(first.output)")
        }
        if torn { try Self.tearLastWrite(tree) }
        let filesAtKill = tree.exists ? try tree.messageFiles().count : 0
        let linesAtKill = tree.readableManifestLineCount()
        var runs = 1
        var done = false
        var last = ""
        while !done, runs < 6 {
            runs += 1
            let again = try workspace.mailmig(["apply", "--auto-approve"])
            done = again.status == 0
            last = again.stdout + again.stderr
        }
        #expect(done, "trial \(index) (\(kill)): apply did not succeed within 5 runs:\n\(last)")
        let context = "trial \(index) (\(kill)\(torn ? ", last write torn" : ""))"
        try BackupExpectations.expectComplete(tree, source: source, workspace: workspace, context)
        try BackupExpectations.expectVerify(workspace, ["--backup"], status: 0, context)
        let expected = MailFolderRules().expected(from: source)
        let target = try MailTestServers.snapshot(targetUser, on: .target)
        let exact = target.multisets == expected
        #expect(exact, "\(context): target:\n\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        let store = try workspace.state()
        let address = "\(sourceUser)@acme.test"
        #expect(try store.pendingCopies(mailbox: address).isEmpty, "\(context): pending copies left")
        #expect(try store.ledger(mailbox: address).count == source.count, "\(context): ledger rows")
        #expect(try workspace.plan().contains("No changes."), "\(context): work left after recovery")
        let line = "trial \(index + 1): \(kill), killed: \(first.killed)\(torn ? ", last write torn" : "") with \(filesAtKill) files and "
            + "\(linesAtKill) whole manifest lines, runs: \(runs), target \(target.count)/\(source.count), \(exact ? "exact" : "MISMATCH")"
        return (line, first.killed)
    }

    /// Leaves the tree as a kill inside the store's own writing of a chunk would: the last manifest
    /// line cut in half (the file was renamed into `cur/`, its line not yet complete) while the intent
    /// journal still holds that line whole, as the store writes the journal before any move and removes
    /// it only after the manifest; and half a message in `tmp/` (never renamed in). Meant for a kill at
    /// `mail-append`, whose chunk the state still holds as pending.
    static func tearLastWrite(_ tree: BackupTree) throws {
        let manifest = tree.root.appendingPathComponent("manifest.jsonl")
        var text = try Data(contentsOf: manifest)
        guard text.last == UInt8(ascii: "\n") else { return }
        let start = (text.dropLast().lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        try Data(text[start...]).write(to: tree.root.appendingPathComponent("manifest.pending.jsonl"))
        text.removeSubrange((start + (text.count - start) / 2)...)
        try text.write(to: manifest)
        let partial = tree.root.appendingPathComponent("tmp/1700000000.M1P1Q1R0000000000000000.torn,S=99")
        try Data("Subject: half a message\r\n".utf8).write(to: partial)
    }
}
