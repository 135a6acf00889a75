import Foundation
import Testing

/// `mailmig verify` and `mailmig discover` against the real Dovecot pair, on users of their own.
@Suite("Verify and discover against Dovecot", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct VerifyIntegrationTests {
    /// Fills a source user: INBOX 3 messages (one over 2KB), Sent 1, Projects.2024 1.
    static func fill(_ fixture: VerifyFixture, user: String) throws {
        try fixture.save("source", user: user, folder: "INBOX", VerifyFixture.message("m1@\(user)", subject: "one"))
        try fixture.save("source", user: user, folder: "INBOX", VerifyFixture.message("m2@\(user)", subject: "two"))
        try fixture.save("source", user: user, folder: "INBOX",
                         VerifyFixture.message("big@\(user)", subject: "big", body: String(repeating: "x", count: 70) + String(repeating: "\r\n" + String(repeating: "x", count: 70), count: 40)))
        try fixture.doveadm("source", ["mailbox", "create", "-u", user, "Projects", "Projects.2024"])
        try fixture.save("source", user: user, folder: "Projects.2024", VerifyFixture.message("m3@\(user)", subject: "three", body: "body 3"))
        try fixture.save("source", user: user, folder: "Sent", VerifyFixture.message("m4@\(user)", subject: "four"))
        try fixture.doveadm("source", ["flags", "add", "-u", user, "\\Seen", "mailbox", "INBOX", "uid", "1"])
    }

    /// Lines of the output that report a difference (not warnings, skips or notes).
    static func differenceLines(_ output: String) -> [String] {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.contains(": missing on the target:") || $0.contains(": flags differ:") || $0.contains(": internal date differs:")
                || $0.contains(": size differs:") || $0.contains(": body differs") || $0.contains(": counts:")
        }
    }

    @Test("an apply killed mid-copy: verify fails and calls the mailbox half copied, not 'not migrated yet'; after the next apply it passes")
    func halfCopied() throws {
        var fixture = try VerifyFixture()
        defer { fixture.remove() }
        let user = try fixture.addUser("half")
        try Self.fill(fixture, user: user)
        try fixture.writePlan(mailboxes: [user])
        let address = "\(user)@acme.test"

        let killed = try fixture.mailmig(["apply", "--auto-approve"], fault: "kill-after:mail-pending:2")
        #expect(killed.status == SIGKILL, "the apply was to die at its crash point: \(killed.stdout)\n\(killed.stderr)")
        let half = try fixture.mailmig(["verify"])
        #expect(half.status == 1, "\(half.stdout)\n\(half.stderr)")
        #expect(half.stdout.contains("✗ \(address) → \(address): half copied: a pass copied "), "\(half.stdout)")
        #expect(!half.stdout.contains("not migrated yet"), "\(half.stdout)")
        #expect(half.stdout.contains("Verification failed: 1 of 1 mailbox differ"), "\(half.stdout)")

        let apply = try fixture.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let whole = try fixture.mailmig(["verify"])
        #expect(whole.status == 0, "\(whole.stdout)\n\(whole.stderr)")
    }

    @Test("apply, verify passes; a message deleted and a flag changed on the target fail it, listed exactly; --deep catches a changed body")
    func verify() throws {
        var fixture = try VerifyFixture()
        defer { fixture.remove() }
        let user = try fixture.addUser("one")
        try Self.fill(fixture, user: user)
        try fixture.writePlan(mailboxes: [user])
        let address = "\(user)@acme.test"

        let apply = try fixture.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")

        let first = try fixture.mailmig(["verify"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("✓ \(address) → \(address) (sync): 4/4 messages"))
        #expect(first.stdout.contains("INBOX: skipped on purpose: source UID 3"))
        #expect(first.stdout.contains("larger than filters.max_message_size (2KB)"))
        #expect(first.stdout.contains("Verification passed: 1 mailbox consistent, but 1 message was skipped on purpose and is not on the target"))
        #expect(Self.differenceLines(first.stdout).isEmpty)

        // On the target: delete INBOX UID 1 (m1), flag the message in Projects/2024.
        try fixture.doveadm("target", ["expunge", "-u", user, "mailbox", "INBOX", "uid", "1"])
        try fixture.doveadm("target", ["flags", "add", "-u", user, "\\Flagged", "mailbox", "Projects/2024", "all"])
        let second = try fixture.mailmig(["verify"])
        #expect(second.status == 1)
        #expect(second.stdout.contains("✗ \(address) → \(address) (sync): 3/4 messages"))
        let lines = Self.differenceLines(second.stdout)
        #expect(lines.count == 3, "\(second.stdout)")
        #expect(lines.contains { $0.hasPrefix("INBOX: missing on the target: source UID 1, Message-ID <m1@\(user)>, ") })
        #expect(lines.contains { $0.hasPrefix("INBOX: counts: 2 expected") })
        #expect(lines.contains { $0.hasPrefix("Projects/2024: flags differ: source UID 1, target UID 1, Message-ID <m3@\(user)>") && $0.hasSuffix("source (none), target \\Flagged") })
        // The plan manages no domain: no cutover to hold back, and none is mentioned.
        #expect(second.stdout.contains("Verification failed: 1 of 1 mailbox differ."), "\(second.stdout)")
        #expect(!second.stdout.contains("cutover"), "\(second.stdout)")
        let recorded = try fixture.mailmig(["state", "show", "verification"])
        #expect(recorded.stdout.contains("\"acme.test\""), "\(recorded.stdout)")

        let json = try fixture.mailmig(["verify", "--json"])
        #expect(json.status == 1)
        let objects = json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.map { $0["type"] as? String } == ["verify-mailbox", "verify-summary"])
        #expect(objects.first?["differences"] as? Int == 2)
        #expect(objects.allSatisfy { $0["version"] as? Int == 1 })

        // A body changed in the target's Maildir (same size), then resynced: only --deep sees it.
        let config = URL(fileURLWithPath: try TestEnvironment.require("MAILMIG_TEST_IMAP_TARGET_CONFIG"))
        let sent = config.deletingLastPathComponent().appendingPathComponent("mail/\(user)/Projects/2024")
        let files = ["cur", "new"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: sent.appendingPathComponent(sub).path)) ?? []).map { sent.appendingPathComponent(sub).appendingPathComponent($0) }
        }
        #expect(files.count == 1)
        let file = try #require(files.first)
        let original = try String(contentsOf: file, encoding: .utf8)
        #expect(original.contains("body 3"))
        try Data(original.replacingOccurrences(of: "body 3", with: "body X").utf8).write(to: file)
        try fixture.doveadm("target", ["force-resync", "-u", user, "Projects/2024"])
        let shallow = try fixture.mailmig(["verify"])
        #expect(!shallow.stdout.contains("body differs"))
        let deep = try fixture.mailmig(["verify", "--deep"])
        #expect(deep.status == 1)
        let deepLines = Self.differenceLines(deep.stdout)
        #expect(deepLines.count == 4, "\(deep.stdout)")
        #expect(deepLines.contains { $0.hasPrefix("Projects/2024: body differs (SHA-256): source UID 1, target UID 1, Message-ID <m3@\(user)>") })
        #expect(deep.stdout.contains("Deep verification (SHA-256 of every body) failed"))
    }

    @Test("a message saved on the target by someone else is a warning; verify still passes")
    func extraIsWarning() throws {
        var fixture = try VerifyFixture()
        defer { fixture.remove() }
        let user = try fixture.addUser("two")
        try fixture.save("source", user: user, folder: "INBOX", VerifyFixture.message("a@\(user)", subject: "a"))
        try fixture.writePlan(mailboxes: [user])
        #expect(try fixture.mailmig(["apply", "--auto-approve"]).status == 0)
        try fixture.save("target", user: user, folder: "INBOX", VerifyFixture.message("stranger@\(user)", subject: "not from mailmig"))
        let output = try fixture.mailmig(["verify"])
        #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
        #expect(output.stdout.contains("INBOX: warning: on the target but not copied by mailmig: target UID 2, Message-ID <stranger@\(user)>"))
    }

    @Test("discover: counts and sizes equal doveadm's, nested folders, an oversize message, a failing login, enumerate and --write")
    func discover() throws {
        var fixture = try VerifyFixture()
        defer { fixture.remove() }
        let user = try fixture.addUser("nested")
        let other = try fixture.addUser("other")
        try Self.fill(fixture, user: user)
        try fixture.doveadm("source", ["mailbox", "create", "-u", user, "Projects.2024.Q1"])
        try fixture.save("source", user: user, folder: "Projects.2024.Q1", VerifyFixture.message("q1@\(user)", subject: "q1"))
        let ghost = "\(fixture.prefix)-ghost"
        let script = try TestEnvironment.require("MAILMIG_TEST_IMAP_DOVECOT_SCRIPT")
        try fixture.writePlan(mailboxes: [user, ghost], enumerate: [script, "doveadm", "source", "user", "\(fixture.prefix)-*"])

        let output = try fixture.mailmig(["discover", "--json"])
        #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
        let objects = output.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let mailboxes = objects.filter { $0["type"] as? String == "discover-mailbox" }
        #expect(mailboxes.compactMap { $0["source"] as? String } == ["\(user)@acme.test", "\(ghost)@acme.test", "\(other)@acme.test"])
        let nested = try #require(mailboxes.first)
        let folders = try #require(nested["folders"] as? [[String: Any]])
        var found: [String: (Int, Int)] = [:]
        for folder in folders {
            found[(folder["path"] as? String ?? "").replacingOccurrences(of: "/", with: ".")] = (folder["messages"] as? Int ?? -1, folder["bytes"] as? Int ?? -1)
        }
        let status = try fixture.doveadm("source", ["-f", "tab", "mailbox", "status", "-u", user, "messages vsize", "*"])
        var expected: [String: (Int, Int)] = [:]
        for line in status.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t").map(String.init)
            guard columns.count == 3, let messages = Int(columns[1]), let size = Int(columns[2]) else { continue }
            expected[columns[0]] = (messages, size)
        }
        #expect(expected.count >= 9)
        #expect(found.keys.sorted() == expected.keys.sorted())
        for (name, value) in expected {
            #expect(found[name]?.0 == value.0 && found[name]?.1 == value.1, "\(name): discover \(String(describing: found[name])), doveadm \(value)")
        }
        let risks = (nested["risks"] as? [[String: Any]] ?? []).map { ($0["kind"] as? String ?? "", $0["folder"] as? String) }
        #expect(risks.count == 1)
        #expect(risks.first?.0 == "oversize")
        #expect(risks.first?.1 == "INBOX")
        let ghostRisks = (mailboxes[1]["risks"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(ghostRisks == ["login-failed"])
        #expect((mailboxes[1]["error"] as? String)?.contains("mailbox \(ghost)@acme.test") == true)
        #expect(mailboxes[2]["in_plan"] as? Bool == false)

        let human = try fixture.mailmig(["discover", "--write", "found.csv"])
        #expect(human.status == 0, "\(human.stdout)\n\(human.stderr)")
        #expect(human.stdout.contains("Projects/2024/Q1"))
        #expect(human.stdout.contains("✗ \(ghost)@acme.test: cannot be read:"))
        #expect(human.stdout.contains("! \(user)@acme.test, folder INBOX: 1 message is larger than filters.max_message_size (2KB)"))
        #expect(human.stdout.contains("Wrote 1 mailbox to found.csv"))
        let csv = try String(contentsOf: fixture.folder.appendingPathComponent("found.csv"), encoding: .utf8)
        #expect(csv == "source,target,tags\n\(other)@acme.test,\(other)@acme.test,discovered\n")
        let again = try fixture.mailmig(["discover", "--write", "found.csv"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("found.csv exists; pass --force to overwrite it"))
        #expect(try fixture.mailmig(["discover", "--write", "found.csv", "--force"]).status == 0)
    }
}
