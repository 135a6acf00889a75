import Foundation
import Testing

/// Faults on the server side: a target user over its quota (Dovecot's quota plugin) and a target server
/// restarted while `mailmig apply` runs.
@Suite("Faults: server over quota and restarted", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ServerFaultTests {
    /// A private pair with one generated mailbox loaded into `user` on the source; returns the corpus folder.
    static func loaded(_ servers: PrivateDovecot, _ user: String, messages: Int, seed: Int) throws -> URL {
        try servers.addUser(user, on: .source)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", String(messages), "--seed", String(seed),
                                                   "--attachments", "0.05", "--attachment-max", "300000"])
        try servers.load(corpus.appendingPathComponent("mbox01"), into: user)
        return corpus
    }

    @Test("Over quota: that mailbox fails with the server's OVERQUOTA reason naming server, mailbox and folder; the other completes")
    func overQuota() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        let corpus = try Self.loaded(servers, "flt-q-src1", messages: 60, seed: 31)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.addUser("flt-q-src2", on: .source)
        try servers.load(corpus.appendingPathComponent("mbox01"), into: "flt-q-src2")
        try servers.addUser("flt-q-full", on: .target, quota: "100K")
        try servers.addUser("flt-q-fine", on: .target)
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("flt-q-src1", "flt-q-full"), ("flt-q-src2", "flt-q-fine")])
        defer { plan.remove() }

        let output = try plan.mailmig(["apply", "--auto-approve"])
        let text = output.stdout + output.stderr
        #expect(output.status == 1, "apply over quota exited with \(output.status):\n\(text)")
        let failure = text.split(separator: "\n").first { $0.contains("✗ mailbox.flt-q-src1@acme.test") } ?? ""
        #expect(failure.contains("OVERQUOTA"), "the server's reason is missing:\n\(text)")
        #expect(failure.contains("target server 127.0.0.1"), "the server is not named: \(failure)")
        #expect(failure.contains("mailbox flt-q-src1@acme.test"), "the mailbox is not named: \(failure)")
        #expect(failure.contains("folder "), "the folder is not named: \(failure)")
        #expect(text.contains("✓ mailbox.flt-q-src2@acme.test"), "the other mailbox did not complete:\n\(text)")

        let source = try servers.snapshot("flt-q-src2", on: .source)
        let fine = try servers.snapshot("flt-q-fine", on: .target)
        #expect(fine.multisets == MailFolderRules().expected(from: source),
                "\(MailboxSnapshot.difference(expected: MailFolderRules().expected(from: source), actual: fine.multisets))")

        // `status` and the closeout report list the failure with the server's reason.
        let status = try plan.mailmig(["status"])
        #expect(status.status == 0, "mailmig status exited with \(status.status): \(status.stderr)")
        #expect(status.stdout.contains("OVERQUOTA"), "mailmig status does not list the failure:\n\(status.stdout)")
        let report = try plan.mailmig(["report", "--format", "markdown", "--output", "report.md"])
        #expect(report.status == 0, "mailmig report exited with \(report.status): \(report.text)")
        let reportText = (try? String(contentsOf: plan.folder.appendingPathComponent("report.md"), encoding: .utf8)) ?? ""
        #expect(reportText.contains("OVERQUOTA") && reportText.contains("flt-q-src1@acme.test"), "the report does not list the failure:\n\(reportText.prefix(3000))")

        // A second run fails the same way (the quota is still full), and never duplicates what the target holds.
        let before = try servers.snapshot("flt-q-full", on: .target)
        let again = try plan.mailmig(["apply", "--auto-approve"])
        #expect(again.status == 1)
        let after = try servers.snapshot("flt-q-full", on: .target)
        #expect(after.count == before.count, "the over-quota mailbox changed on a re-run: \(before.count) → \(after.count)")
        var available = Dictionary(source.allMessages.map { ($0.sha256, 1) }, uniquingKeysWith: +)
        let duplicates = after.allMessages.filter { message in
            let left = available[message.sha256, default: 0]
            available[message.sha256] = left - 1
            return left <= 0
        }
        #expect(duplicates.isEmpty, "\(duplicates.count) messages in the over-quota mailbox are duplicates or unknown")
        print("Over quota: exit \(output.status); failure: \(failure.trimmingCharacters(in: .whitespaces)); partial target \(after.count) messages, other mailbox \(fine.count)/\(source.count)")
    }

    @Test("Target restarted mid-run: the pass retries or a re-run completes, exactly once")
    func targetRestarted() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        let corpus = try Self.loaded(servers, "flt-r-src", messages: 1500, seed: 41)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.addUser("flt-r-tgt", on: .target)
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("flt-r-src", "flt-r-tgt")])
        defer { plan.remove() }

        let apply = try Spawn.start(MailMigBinary.url.path, ["apply", "--auto-approve"], in: plan.folder, environment: FaultPlan.environment)
        // Restart once the copy is under way (the target holds some messages).
        let deadline = Date().addingTimeInterval(60)
        var restartedAt = -1
        while apply.isRunning, Date() < deadline {
            usleep(200_000)
            let count = (try? servers.snapshot("flt-r-tgt", on: .target).count) ?? 0
            if count >= 100 {
                restartedAt = count
                try servers.stopTarget()
                sleep(2)
                try servers.startAgain()
                break
            }
        }
        let firstRun = apply.wait()
        let first = firstRun.text
        #expect(restartedAt > 0, "the apply ended before the target could be restarted:\n\(first.suffix(2000))")
        var runs = 1
        var done = firstRun.status == 0
        var log = first
        while !done, runs < 8 {
            runs += 1
            let again = try plan.mailmig(["apply", "--auto-approve"])
            log += again.stdout + again.stderr
            done = again.status == 0
        }
        #expect(done, "apply did not complete within 8 runs:\n\(log.suffix(3000))")
        let source = try servers.snapshot("flt-r-src", on: .source)
        let target = try servers.snapshot("flt-r-tgt", on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        print("Target restarted after \(restartedAt) messages: first apply exit \(firstRun.status), runs \(runs), target \(target.count)/\(source.count) \(target.multisets == expected ? "exact" : "MISMATCH")")
    }
}
