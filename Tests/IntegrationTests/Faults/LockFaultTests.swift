import Foundation
import Testing

/// The state lock under mail migration: a second apply while one runs is refused naming the holder, and
/// the lock record a SIGKILLed apply leaves behind does not block the next run.
@Suite("Faults: state lock with concurrent and killed applies", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct LockFaultTests {
    @Test("Second apply refused naming the holder's pid; after SIGKILL the next apply runs without force-unlock")
    func concurrentAndKilled() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addUser("flt-lock-src", on: .source)
        try servers.addUser("flt-lock-tgt", on: .target)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", "60", "--seed", "81"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.load(corpus.appendingPathComponent("mbox01"), into: "flt-lock-src")
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("flt-lock-src", "flt-lock-tgt")])
        defer { plan.remove() }

        // The first apply pauses after its first pending chunk, holding the lock.
        let first = try Spawn.start(MailMigBinary.url.path, ["apply", "--auto-approve"], in: plan.folder,
                                    environment: FaultPlan.environment.merging(["MAILMIG_FAULT": "pause-after:mail-pending:1:8"]) { $1 })
        let lockFile = plan.folder.appendingPathComponent(".mailmig/state.lock")
        var held = false
        for _ in 0..<100 where first.isRunning {
            if let text = try? String(contentsOf: lockFile, encoding: .utf8), text.contains("\(first.pid)") { held = true; break }
            usleep(100_000)
        }
        #expect(held, "the first apply never recorded its lock")
        let second = try plan.mailmig(["apply", "--auto-approve"])
        #expect(second.status != 0, "a second apply ran while the first held the lock")
        #expect(second.text.contains("\(first.pid)"), "the lock error does not name the holder's pid:\n\(second.text)")
        // SIGKILL the holder: its lock record stays, but the lock itself dies with the process.
        first.signal(SIGKILL)
        let killed = first.wait()
        #expect(killed.status == 128 + SIGKILL)
        let third = try plan.mailmig(["apply", "--auto-approve"])
        #expect(third.status == 0, "the apply after a SIGKILL did not run:\n\(third.text)")
        let source = try servers.snapshot("flt-lock-src", on: .source)
        let target = try servers.snapshot("flt-lock-tgt", on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        print("Lock: second apply refused (\(second.text.split(separator: "\n").first { $0.contains("\(first.pid)") } ?? "")); after SIGKILL the next apply exited \(third.status); target \(target.count)/\(source.count)")
    }
}
