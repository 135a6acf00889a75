import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A first pass into target folders that already hold mail the state knows nothing of: the state
/// folder deleted, or another tool's copy. The ledger cannot see that mail, so the plan must.
@Suite("Mail copy over fake stores: target mail the state knows nothing of")
struct MailUnrecordedTargetTests {
    let alice = MailHarness.alice

    /// A harness whose first apply copied 12 messages to alice's INBOX and whose state was then deleted.
    func copiedThenStateLost(extra: String = "") async throws -> MailHarness {
        let harness = try MailHarness(extra: extra)
        harness.source.seed(SampleMessages.make(12), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == 12)
        try harness.loseState()
        return harness
    }

    @Test("without dedupe: in the plan, the mailbox is held back with the folders and counts, and nothing is copied again")
    func heldWithoutChoice() async throws {
        let harness = try await copiedThenStateLost()
        let plan = try await harness.plan()
        #expect(plan.steps.allSatisfy { $0.work.mailPass == nil }, "no pass may copy into a target that already holds the mail")
        let held = try #require(plan.blocked.first { $0.address == MailboxRecord.address(alice) })
        #expect(held.isError == true)
        #expect(held.reason.contains("INBOX (12 messages)"), "\(held.reason)")
        #expect(held.reason.contains("dedupe: target") && held.reason.contains("dedupe: none"), "\(held.reason)")
        try await harness.apply()
        #expect(harness.target.counters.appendedMessages == 12)
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 12)
    }

    @Test("a pass planned before the state was lost refuses to copy when it runs")
    func passChecksAgain() async throws {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(12), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        harness.source.seed([SampleMessages.message(id: "late")], into: "INBOX", of: alice)
        let plan = try await harness.plan()
        #expect(plan.steps.contains { $0.work.mailPass != nil })
        try harness.loseState()
        let report = await (try harness.engine()).apply(plan, parallelism: 1)
        #expect(!report.succeeded)
        #expect(report.failed.contains { "\($0.outcome)".contains("INBOX (12 messages)") }, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.appendedMessages == 12, "nothing is appended")
    }

    @Test("a folder new on the source since the last pass, whose target folder already holds mail, is held back by the pass")
    func newFolderAfterFirstPass() async throws {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(12), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        harness.source.seed(SampleMessages.make(5, tag: "new"), into: "Projects", of: alice)
        let plan = try await harness.plan()
        #expect(plan.steps.contains { $0.work.mailPass != nil })
        // Another tool fills the target folder after the plan was made.
        harness.target.seed(SampleMessages.make(3, tag: "other"), into: "Projects", of: alice)
        let report = await (try harness.engine()).apply(plan, parallelism: 1)
        #expect(!report.succeeded)
        #expect(report.failed.contains { "\($0.outcome)".contains("Projects (3 messages)") }, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.appendedMessages == 12, "nothing more is appended")
    }

    @Test("with dedupe: target, the plan warns and the pass records the copies already there instead of copying them")
    func dedupeTarget() async throws {
        let harness = try await copiedThenStateLost(extra: "dedupe: target")
        let plan = try await harness.plan()
        let pass = try #require(plan.steps.first { $0.work.mailPass != nil })
        let warning = try #require(pass.work.detail.first { $0.hasPrefix("warning:") })
        #expect(warning.contains("INBOX (12 messages)") && warning.contains("dedupe: target records"), "\(warning)")
        #expect(pass.work.mailPass?.estimate?.unrecordedTarget == [UnrecordedTargetFolder(source: "INBOX", target: "INBOX", messages: 12)])
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == 12, "nothing is copied again")
        #expect(try harness.record()?.lastResult?.deduplicated == 12)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try await harness.verify().passed)
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("with dedupe: target, copies of messages without a Message-ID are recognised by their bytes, not copied again")
    func dedupeWithoutMessageID() async throws {
        let harness = try MailHarness(extra: "dedupe: target")
        let date = MessageDate("01-Feb-2024 10:00:00 +0000")
        let anonymous = (0..<3).map { index in
            SeedMessage(body: Array("From: a@acme.test\r\nSubject: no id \(index)\r\n\r\nsame size\r\n".utf8), flags: ["\\Seen"], internalDate: date)
        }
        harness.source.seed(anonymous, into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        try harness.loseState()
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == 3, "each message once, though none has a Message-ID and all share size and date")
        #expect(try harness.record()?.lastResult?.deduplicated == 3)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
    }

    @Test("with dedupe: none said explicitly, the plan warns that every message is copied again, and the pass does so")
    func dedupeNone() async throws {
        let harness = try await copiedThenStateLost(extra: "dedupe: none")
        let plan = try await harness.plan()
        let pass = try #require(plan.steps.first { $0.work.mailPass != nil })
        #expect(pass.work.detail.contains { $0.contains("dedupe: none copies every message again") }, "\(pass.work.detail)")
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 24)
    }
}
