import Foundation
import MailMigCore
import Testing

/// `mailmig apply` with `backup:` killed with SIGKILL while it fills the backup (and once while it
/// copies to the target), then run again until it succeeds: the backup and the target each hold every
/// source message exactly once, with its flags.
@Suite("Backup: SIGKILL recovery", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct BackupCrashRecoveryTests {
    typealias Kill = BackupCrashTrial.Kill

    /// The backup is filled first, one chunk per folder, so the first dozen passes of each point fall
    /// in the backup; `mail-append:18` falls in the target's copy. A kill at `mail-pending` leaves a
    /// chunk recorded but not written, one at `mail-append` a chunk written to the tree but not yet in
    /// the ledger. Kills when the manifest reaches a random length fall inside the store's own writing
    /// of the next message; one at a random moment may fall anywhere.
    static func trials() -> [Kill] {
        var generator = SystemRandomNumberGenerator()
        var kills: [Kill] = [.fault("kill-after:mail-pending:1")]
        kills += [1, 9, 18].map { .fault("kill-after:mail-append:\($0)") }
        kills += (0..<2).map { _ in .backupLines(Int.random(in: 5...140, using: &generator)) }
        kills.append(.after(Double.random(in: 0.4...1.6, using: &generator)))
        return kills
    }

    /// A source user with a generated corpus of 150 messages; `prepare` may change it before the snapshot.
    static func loadSource(_ base: String, prepare: (String) throws -> Void = { _ in }) throws -> (user: String, source: MailboxSnapshot) {
        let user = MailTestServers.uniqueUser(base)
        try MailTestServers.addUser(user, on: .source)
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "150", "--seed", "23", "--attachments", "0.03",
                                                   "--attachment-max", "400000"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        try prepare(user)
        return (user, try MailTestServers.snapshot(user, on: .source))
    }

    @Test("7 trials: killed while backing up and copying, re-run until done: backup and target each hold every message once")
    func killedAndResumed() throws {
        var users: [String] = []
        defer { MailTestServers.removeUsers(users) }
        let (sourceUser, source) = try Self.loadSource("bkill")
        users.append(sourceUser)
        var outcomes: [String] = []
        var killedCount = 0
        for (index, kill) in Self.trials().enumerated() {
            let outcome = try BackupCrashTrial(index: index, kill: kill).run(sourceUser: sourceUser, source: source, users: &users)
            outcomes.append(outcome.line)
            if outcome.killed { killedCount += 1 }
        }
        print("backup SIGKILL trials: \(outcomes.count) (\(killedCount) killed mid-apply); source \(source.count) messages")
        for line in outcomes { print("  " + line) }
        #expect(killedCount >= 6, "at least 6 applies were really killed")
    }

    /// The one window a kill at a fault point cannot reach: a message file renamed into `cur/` whose
    /// manifest line was cut short. Every source message carries the keyword `NonJunk`, which a file
    /// name has no letter for and only the manifest keeps, so the torn message's keyword is at stake.
    @Test("killed inside the backup's write of a message (file in cur/, its manifest line torn): the message keeps its keywords")
    func tornWriteKeepsKeywords() throws {
        var users: [String] = []
        defer { MailTestServers.removeUsers(users) }
        let (sourceUser, source) = try Self.loadSource("btorn") { user in
            try MailTestServers.doveadm(.source, ["flags", "add", "-u", user, "NonJunk", "all"])
        }
        users.append(sourceUser)
        #expect(source.allMessages.allSatisfy { $0.flags.contains("NonJunk") })
        let outcome = try BackupCrashTrial(index: 0, kill: .fault("kill-after:mail-append:1"), torn: true)
            .run(sourceUser: sourceUser, source: source, users: &users)
        print("backup torn write: " + outcome.line)
    }
}
