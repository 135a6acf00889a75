import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A pass that fails at any point of a chunk leaves a state from which the next pass copies every
/// message exactly once: nothing lost, nothing twice, no pending ledger rows left.
@Suite("Mail copy over fake stores: exactly once under failures")
struct MailExactlyOnceTests {
    /// Where the first pass fails, and what it must have left behind.
    struct Failure: Sendable, CustomStringConvertible {
        let description: String
        /// Arms the fault on the stores.
        let arm: @Sendable (_ source: FakeMailStore, _ target: FakeMailStore) -> Void
        /// Whether the target answers APPEND with UIDs.
        var returnsUIDs = true
        /// Whether the first apply succeeds anyway (a transient failure retried within the pass).
        var firstSucceeds = false
        /// Messages in the target's INBOX after the first apply.
        let inboxAfterFirst: Int
        /// Pending ledger rows after the first apply.
        let pendingAfterFirst: Int
        /// Pending messages later found on the target instead of copied again.
        let reconciled: Int
    }

    static let failures: [Failure] = [
        Failure(description: "APPEND of chunk 2 fails before the server stored anything",
                arm: { $1.faults.append = (2, .beforeStoring, .failed) }, inboxAfterFirst: 64, pendingAfterFirst: 64, reconciled: 0),
        Failure(description: "APPEND of chunk 2 stored, the answer lost",
                arm: { $1.faults.append = (2, .afterStoring, .failed) }, inboxAfterFirst: 128, pendingAfterFirst: 64, reconciled: 64),
        Failure(description: "APPEND of chunk 2 stored, the answer lost, on a target without UIDPLUS",
                arm: { $1.faults.append = (2, .afterStoring, .failed) }, returnsUIDs: false, inboxAfterFirst: 128, pendingAfterFirst: 64,
                reconciled: 64),
        Failure(description: "APPEND of chunk 2 stored, the answer lost by a transient failure the pass retries",
                arm: { $1.faults.append = (2, .afterStoring, .transient) }, firstSucceeds: true, inboxAfterFirst: 150, pendingAfterFirst: 0,
                reconciled: 64),
        Failure(description: "the source stream breaks in the middle of chunk 2: what arrived is appended",
                arm: { source, _ in source.faults.stream = (1, 100, .failed) }, inboxAfterFirst: 100, pendingAfterFirst: 0, reconciled: 0),
        Failure(description: "the source stream breaks between chunk 1 and chunk 2",
                arm: { source, _ in source.faults.stream = (1, 64, .failed) }, inboxAfterFirst: 64, pendingAfterFirst: 0, reconciled: 0),
        Failure(description: "the source stream breaks between two folders",
                arm: { source, _ in source.faults.stream = (2, 0, .failed) }, inboxAfterFirst: 150, pendingAfterFirst: 0, reconciled: 0),
    ]

    /// Every failure, with stores naming messages by UID (IMAP) and by a store-defined name made of
    /// digits (as POP3 UIDL or a Maildir does), which the ledger must never take for a UID.
    @Test("a failed pass, run again, ends with every message exactly once and no pending rows", arguments: failures, [false, true])
    func failedPassResumes(_ failure: Failure, namedMessages: Bool) async throws {
        let alice = MailHarness.alice
        let source = FakeMailStore(side: .source, namesMessages: namedMessages)
        let target = FakeMailStore(side: .target, returnsUIDs: failure.returnsUIDs, namesMessages: namedMessages)
        let harness = try MailHarness(source: source, target: target)
        // 150 messages make three chunks of 64, 64 and 22.
        source.seed(SampleMessages.make(150, tag: "inbox"), into: "INBOX", of: alice)
        source.seed(SampleMessages.make(20, tag: "archive", firstDay: 400), into: "Archive", of: alice)
        failure.arm(source, target)

        let first = try await harness.apply().report
        #expect(first.succeeded == failure.firstSucceeds, "\(first.failed.map(\.outcome))")
        #expect(target.messages(in: "INBOX", of: alice).count == failure.inboxAfterFirst)
        #expect(try harness.ledger().pending.count == failure.pendingAfterFirst)

        if !failure.firstSucceeds {
            let second = try await harness.apply().report
            #expect(second.succeeded, "\(second.failed.map(\.outcome))")
        }
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Archive", "Archive"))
        let (rows, pending) = try harness.ledger()
        #expect(rows.count == 170)
        #expect(Set(rows.map { "\($0.folder)/\($0.uid)" }).count == 170)
        #expect(rows.allSatisfy { ($0.uid.uid == nil) == namedMessages }, "the ledger keeps each store's own identity")
        #expect(pending.isEmpty)
        #expect(try harness.record()?.lastResult?.reconciled == failure.reconciled)
        #expect(target.counters.appendedMessages == 170, "every message was stored once, none again")
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }
}
