import Foundation
import MailMigCore
import Testing

/// `mailmig apply` killed with SIGKILL at many points, then run again until it succeeds: exactly once.
@Suite("Mail migration: SIGKILL recovery", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailCrashRecoveryTests {
    /// How one trial kills the first apply.
    enum Kill: CustomStringConvertible {
        case fault(String)
        case after(Double)

        var description: String {
            switch self {
            case .fault(let fault): return "MAILMIG_FAULT=\(fault)"
            case .after(let seconds): return "kill -9 after \(String(format: "%.2f", seconds)) s"
            }
        }
    }

    /// The kill points: right after a chunk was recorded as pending (nothing appended yet), right after the
    /// target confirmed a chunk (not yet in the ledger), and at random moments.
    static func trials() -> [Kill] {
        var generator = SystemRandomNumberGenerator()
        var kills: [Kill] = [1, 2, 4, 7].map { .fault("kill-after:mail-pending:\($0)") }
        kills += [1, 3, 5, 8].map { .fault("kill-after:mail-append:\($0)") }
        kills += (0..<4).map { _ in .after(Double.random(in: 0.3...1.5, using: &generator)) }
        return kills
    }

    @Test("12 trials: killed at pending, after append and at random moments, re-run until done: no message lost or duplicated")
    func killedAndResumed() throws {
        let sourceUser = MailTestServers.uniqueUser("kill")
        var users = [sourceUser]
        defer { MailTestServers.removeUsers(users) }
        try MailTestServers.addUser(sourceUser, on: .source)
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "400", "--seed", "11", "--attachments", "0.03",
                                                   "--attachment-max", "400000"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: sourceUser)
        let source = try MailTestServers.snapshot(sourceUser, on: .source)
        let expected = MailFolderRules().expected(from: source)

        var outcomes: [String] = []
        var killedCount = 0
        for (index, kill) in Self.trials().enumerated() {
            let targetUser = "\(sourceUser)-t\(index)"
            users.append(targetUser)
            try MailTestServers.addUser(targetUser, on: .target)
            let workspace = try MailPlanWorkspace(mailboxes: [.init(source: sourceUser, target: targetUser)])
            defer { workspace.remove() }
            let first: (killed: Bool, output: String)
            switch kill {
            case .fault(let fault): first = try workspace.applyKilled(after: nil, fault: fault)
            case .after(let seconds): first = try workspace.applyKilled(after: seconds, fault: nil)
            }
            if first.killed { killedCount += 1 }
            if case .fault = kill {
                #expect(first.killed, "trial \(index) (\(kill)): the crash point was never reached:\n\(first.output)")
            }
            var runs = 1
            var done = false
            while !done, runs < 6 {
                runs += 1
                let again = try workspace.mailmig(["apply", "--auto-approve"])
                done = again.status == 0
            }
            #expect(done, "trial \(index) (\(kill)): apply did not succeed within 5 runs")
            let target = try MailTestServers.snapshot(targetUser, on: .target)
            let exact = target.multisets == expected
            #expect(exact, "trial \(index) (\(kill)):\n\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
            let store = try workspace.state()
            let address = "\(sourceUser)@acme.test"
            #expect(try store.pendingCopies(mailbox: address).isEmpty, "trial \(index): pending copies left")
            #expect(try store.ledger(mailbox: address).count == source.count, "trial \(index): ledger rows")
            #expect(try workspace.plan().contains("No changes."), "trial \(index): work left after recovery")
            outcomes.append("trial \(index + 1): \(kill), killed: \(first.killed), runs: \(runs), target \(target.count)/\(source.count) messages, \(exact ? "exact" : "MISMATCH")")
            MailTestServers.removeUser(targetUser, on: .target)
        }
        print("SIGKILL trials: \(outcomes.count) (\(killedCount) killed mid-apply); source \(source.count) messages")
        for line in outcomes { print("  " + line) }
        #expect(outcomes.count >= 10)
        #expect(killedCount >= 10, "at least 10 applies were really killed")
    }
}
