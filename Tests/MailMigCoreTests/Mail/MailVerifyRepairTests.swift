import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// What verify finds reaches the next plan and pass: flags that neither the ledger nor CONDSTORE show
/// as changed, copies deleted on the target, and what no pass can put right.
@Suite("Mail copy over fake stores: passes that put right what verify found")
struct MailVerifyRepairTests {
    let alice = MailHarness.alice

    /// A harness whose first apply copied 10 messages to alice's INBOX; returns it and the source keys.
    func copied() async throws -> (MailHarness, [MessageKey]) {
        let harness = try MailHarness()
        let keys = harness.source.seed(SampleMessages.make(10), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        return (harness, keys)
    }

    /// The reason of alice's pass in the plan, if there is one.
    func passReason(_ harness: MailHarness) async throws -> String? {
        try await harness.plan().steps.first { $0.work.mailPass != nil }?.reason
    }

    @Test("flags changed on a source whose HIGHESTMODSEQ did not move: verify's finding plans a pass that carries them")
    func frozenModSeqOnSource() async throws {
        let (harness, keys) = try await copied()
        harness.source.faults.frozenModSeq = true
        for key in keys.prefix(3) { try harness.source.setFlags(["\\Seen", "$Fixed"], uid: key, in: "INBOX", of: alice) }
        #expect(try await passReason(harness) == nil, "STATUS and CHANGEDSINCE show nothing: the shortcut sees no change")

        let found = try await harness.verifyAndRecord()
        #expect(found.mailboxes.first?.folders.first?.flagsNotCarriedYet == 3)
        let reason = try #require(try await passReason(harness), "the finding must plan a pass")
        #expect(reason.contains("verify found flags differing on 3 messages in INBOX"), "\(reason)")

        #expect(try await harness.apply().report.succeeded)
        #expect(try harness.record()?.lastResult?.flagUpdates == 3)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        let after = try await harness.verifyAndRecord()
        #expect(after.passed && after.mailboxes.first?.folders.first?.flagsNotCarriedYet == 0)
        #expect(try await harness.plan().steps.isEmpty, "the finding is cleared by the pass")
    }

    @Test("flags changed on the target behind mailmig's back: verify fails, the next pass restores the source's flags")
    func targetFlagsDrifted() async throws {
        let (harness, _) = try await copied()
        let copies = harness.target.messages(in: "INBOX", of: alice)
        try harness.target.setFlags(["\\Deleted"], uid: copies[0].key, in: "INBOX", of: alice)
        try harness.target.setFlags(["\\Seen", "$Junk"], uid: copies[4].key, in: "INBOX", of: alice)
        #expect(try await passReason(harness) == nil)

        #expect(!(try await harness.verifyAndRecord().passed))
        let reason = try #require(try await passReason(harness))
        #expect(reason.contains("verify found flags differing on 2 messages in INBOX"), "\(reason)")
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try await harness.verifyAndRecord().passed)
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("a copy deleted on the target: the next pass copies that message again, once")
    func copyDeletedOnTarget() async throws {
        let (harness, _) = try await copied()
        let copies = harness.target.messages(in: "INBOX", of: alice)
        try harness.target.remove(uid: copies[2].key, from: "INBOX", of: alice)
        #expect(try await passReason(harness) == nil)

        #expect(!(try await harness.verifyAndRecord().passed))
        let reason = try #require(try await passReason(harness))
        #expect(reason.contains("verify found 1 message missing on the target in INBOX"), "\(reason)")
        #expect(try await harness.apply().report.succeeded)
        let result = try harness.record()?.lastResult
        #expect(result?.copied == 1 && result?.restored == 1)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try await harness.verifyAndRecord().passed)
        #expect(try await harness.plan().steps.isEmpty)
        #expect(harness.target.counters.appendedMessages == 11)
    }

    @Test("a second copy on the target is held for the operator, not copied over or deleted")
    func duplicateNeedsOperator() async throws {
        let (harness, _) = try await copied()
        let first = harness.source.messages(in: "INBOX", of: alice)[0]
        harness.target.seed([SeedMessage(body: first.body, flags: first.flags, internalDate: first.internalDate)], into: "INBOX", of: alice)
        #expect(!(try await harness.verifyAndRecord().passed))
        let plan = try await harness.plan()
        #expect(plan.steps.isEmpty, "no pass can put a duplicate right")
        let held = try #require(plan.blocked.first { $0.address == MailboxRecord.address(alice) })
        #expect(held.reason.contains("1 second copy of copied messages in INBOX") && held.reason.contains("delete those copies"), "\(held.reason)")
    }
}
