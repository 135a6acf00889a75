import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI
import TestSupport

@Suite("Report: the backup of each mailbox")
struct BackupReportTests {
    /// The fixture's plan with `backup:`, alice's backup holding two messages and a passed `verify --backup`.
    func builder(_ fixture: ReportFixture) throws -> ReportBuilder {
        var plan = fixture.plan
        plan.backup = BackupSettings(path: "backups/", location: plan.source.location)
        let entries = [1, 2].map { uid in
            LedgerEntry(mailbox: "backup:alice@acme.test", folder: "INBOX", uidValidity: 1, uid: .name("m\(uid)"), messageID: nil,
                        size: 1_000 * uid, internalDate: "01-Feb-2026 10:00:00 +0000", sha256: String(repeating: "b", count: 64),
                        flags: [], targetFolder: "INBOX", targetUIDValidity: 5, targetUID: .name("f\(uid)"))
        }
        try fixture.store.recordPendingCopies(entries)
        try fixture.store.commitCopies(entries)
        let verdict = VerificationRecord(at: fixture.now, failedDomains: [],
                                         mailboxes: ["alice@acme.test": MailboxVerdict(at: fixture.now, passed: true, deep: true, differences: 0)])
        try fixture.store.commit([try .put(VerificationRecord.backupAddress, kind: VerificationRecord.kind, verdict)], applyID: nil)
        return ReportBuilder(plan: plan, store: fixture.store, now: fixture.now)
    }

    @Test("status, JSON, Markdown and HTML show what the backup keeps apart from what was copied to the target")
    func backupEverywhere() throws {
        let fixture = try ReportFixture()
        let builder = try builder(fixture)
        let status = try builder.status()
        let alice = try #require(status.mailboxes.first { $0.source == "alice@acme.test" })
        #expect(alice.backup?.copied == 2 && alice.backup?.bytes == 3_000)
        #expect(alice.copied == 3, "the backup's rows are not the target's")
        #expect(alice.verification?.passed == true)
        #expect(status.mailboxes.first { $0.source == "dave@acme.test" }?.backup?.copied == 0)
        let human = StatusRenderer.human(status, palette: Palette(enabled: false))
        #expect(human.contains("backup: 2 messages, 2.9 KiB kept; verify --backup: passed"), "\(human)")
        let report = try builder.closeout()
        #expect(report.summary.messages == 5, "backed-up messages are not counted as copied")
        #expect(ReportMarkdown.render(report).contains("## Backup\n\n| Mailbox | Messages | Bytes | Left out | verify --backup |"))
        #expect(ReportHTML.render(report).contains("<h2>Backup</h2>"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportJSON.render(report).utf8)) as? [String: Any])
        let mailboxes = try #require(json["mailboxes"] as? [[String: Any]])
        let kept = try #require(mailboxes.first { $0["source"] as? String == "alice@acme.test" }?["backup"] as? [String: Any])
        #expect(kept["copied_messages"] as? Int == 2)
        #expect(ReportMarkdown.render(try fixture.builder.closeout()).contains("## Backup") == false, "no backup section without backup:")
    }
}
