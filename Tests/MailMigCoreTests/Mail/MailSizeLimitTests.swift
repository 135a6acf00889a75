import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// `filters.max_message_size` holds whatever size the source claims: a body is measured as it arrives.
@Suite("Mail copy over fake stores: the size limit")
struct MailSizeLimitTests {
    let alice = MailHarness.alice

    @Test("a message whose RFC822.SIZE understates its body is skipped as too large, like one whose size says so; the rest of its chunk is copied")
    func understatedSizeIsSkipped() async throws {
        let harness = try MailHarness(extra: "filters: { max_message_size: 2KB }")
        var messages = SampleMessages.make(3)
        messages.insert(SampleMessages.message(id: "liar", bodyBytes: 6_000), at: 1)
        messages.append(SampleMessages.message(id: "honest", bodyBytes: 6_000))
        harness.source.seed(messages, into: "INBOX", of: alice)
        let liar = try #require(harness.source.messages(in: "INBOX", of: alice).first { $0.body.count > 6_000 && MessageHeaders.messageID(in: $0.body) == "<liar@acme.test>" })
        harness.source.faults.claimedSizes = [liar.key: 200]

        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let arrived = harness.target.messages(in: "INBOX", of: alice)
        #expect(arrived.count == 3, "the three small messages, and neither large one")
        #expect(!arrived.contains { $0.body == liar.body })
        let skipped = try harness.state().skipped(mailbox: alice)
        #expect(skipped.count == 2)
        let lied = try #require(skipped.first { $0.uid == liar.key })
        #expect(lied.reason == "larger than filters.max_message_size (2KB)")
        #expect(lied.size == liar.body.count, "recorded with the size the body turned out to have")
        #expect(lied.messageID == "<liar@acme.test>")
        #expect(skipped.allSatisfy { $0.reason == lied.reason }, "reported exactly like the message whose size said so")
        #expect(try harness.record()?.lastResult?.skipped == 2)
        #expect(try harness.ledger().pending.isEmpty)

        let appends = harness.target.counters.appendCalls
        try await harness.apply()
        #expect(harness.target.counters.appendCalls == appends, "a skipped message is never tried again")
    }
}
