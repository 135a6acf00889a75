import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// With `backup:`, every pass first copies the source to the backup, exactly once, then to the target.
@Suite("Mail copy over fake stores: the backup")
struct MailBackupTests {
    let alice = MailHarness.alice
    static let backupLine = "backup: { path: backups/ }"

    func harness() throws -> MailHarness {
        let harness = try MailHarness(extra: Self.backupLine)
        let backup = FakeMailStore(side: .target, server: "backups/{source}")
        backup.addMailbox(alice)
        harness.backup = backup
        harness.source.seed(SampleMessages.make(12, tag: "inbox"), into: "INBOX", of: alice)
        harness.source.addFolder("Sent", of: alice, specialUse: "\\Sent")
        harness.source.seed(SampleMessages.make(5, tag: "sent", firstDay: 40), into: "Sent", of: alice)
        harness.target.addFolder("Sent Items", of: alice, specialUse: "\\Sent")
        return harness
    }

    /// Whether the backup folder holds exactly the source folder's messages, with flags and dates.
    func backupMatches(_ harness: MailHarness, _ path: String) -> Bool {
        guard let backup = harness.backup else { return false }
        let sent = harness.source.messages(in: path, of: alice), kept = backup.messages(in: path, of: alice)
        guard MailHarness.bodies(sent) == MailHarness.bodies(kept) else { return false }
        let byBody = Dictionary(kept.map { ($0.body, $0) }, uniquingKeysWith: { first, _ in first })
        return sent.allSatisfy { byBody[$0.body]?.flags == $0.flags.filter { $0 != "\\Recent" } && byBody[$0.body]?.internalDate == $0.internalDate }
    }

    @Test("the pass fills the backup under the source's own folder names, then the target; a second apply does nothing")
    func backupThenTarget() async throws {
        let harness = try harness()
        let (plan, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let reason = try #require(plan.steps.first { $0.address == "mailbox.\(alice)" }?.reason)
        #expect(reason.contains("backs up 17 messages"), "\(reason)")
        #expect(backupMatches(harness, "INBOX"))
        #expect(backupMatches(harness, "Sent"), "the backup keeps the source's name, not the target's Sent Items")
        #expect(harness.targetMatchesSource("Sent", "Sent Items"))
        #expect(try harness.record()?.lastBackup?.copied == 17)
        let store = try harness.state()
        #expect(try store.ledger(mailbox: "backup:\(alice)").count == 17)
        #expect(try store.ledger(mailbox: alice).count == 17)

        let again = try await harness.plan()
        #expect(again.steps.isEmpty, "\(again.steps.map(\.reason))")
        let appended = harness.backup?.counters.appendedMessages
        try await harness.apply()
        #expect(harness.backup?.counters.appendedMessages == appended)
    }

    @Test("a backup added to a migrated mailbox is filled by the next pass, and the target gets nothing twice")
    func backupAddedLater() async throws {
        let harness = try harness()
        harness.extra = ""
        try await harness.apply()
        let targetAppends = harness.target.counters.appendedMessages
        harness.extra = Self.backupLine
        let plan = try await harness.plan()
        let reason = try #require(plan.steps.first?.reason)
        #expect(reason.contains("backs up 17 messages"), "\(reason)")
        let (_, report) = try await harness.apply()
        #expect(report.succeeded)
        #expect(backupMatches(harness, "INBOX") && backupMatches(harness, "Sent"))
        #expect(harness.target.counters.appendedMessages == targetAppends)
    }

    @Test("a backup that fails stops the pass before the target, and the next apply resumes without duplicates")
    func backupFailureHoldsTheTarget() async throws {
        let harness = try harness()
        var faults = FakeStoreFaults()
        faults.append = (call: 1, moment: .afterStoring, kind: .failed)
        harness.backup?.faults = faults
        let (_, failed) = try await harness.apply()
        #expect(!failed.succeeded)
        #expect(harness.target.counters.appendedMessages == 0, "nothing reaches the target that the backup does not hold")
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(backupMatches(harness, "INBOX") && backupMatches(harness, "Sent"))
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
    }

    @Test("verify --backup compares the backup with the source, body by body, and finds a message missing there")
    func verifyBackup() async throws {
        let harness = try harness()
        try await harness.apply()
        let report = try await harness.verify(backup: true)
        #expect(report.passed, "\(report.mailboxes)")
        #expect(report.backup && report.deep)
        #expect(report.mailboxes.first?.found == 17)
        let first = try #require(harness.backup?.messages(in: "Sent", of: alice).first)
        try harness.backup?.remove(uid: first.key, from: "Sent", of: alice)
        let broken = try await harness.verify(backup: true)
        #expect(!broken.passed)
        #expect(broken.mailboxes.first?.folders.first { $0.source == "Sent" }?.missing.count == 1)
        #expect(try await harness.verify().passed, "the target is still whole")
    }
}
