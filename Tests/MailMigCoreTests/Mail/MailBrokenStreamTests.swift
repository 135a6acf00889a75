import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A source that drops the connection every few FETCH responses: what arrived before each break is
/// appended and recorded, so every attempt makes progress and nothing is copied twice.
@Suite("Mail copy over fake stores: a stream that keeps breaking")
struct MailBrokenStreamTests {
    let alice = MailHarness.alice

    /// Alice's INBOX holding `count` messages on a source whose every body stream breaks after `after` messages.
    func harness(_ count: Int, breakingAfter after: Int, _ kind: MailStoreError.Kind) throws -> MailHarness {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(count, tag: "brk"), into: "INBOX", of: alice)
        harness.source.faults.everyStream = (after, kind)
        return harness
    }

    @Test("a source that breaks after every third message, transiently, is followed to the end in one apply, each message once")
    func transientBreaksFinishInOneApply() async throws {
        let harness = try harness(17, breakingAfter: 3, .transient)

        let report = try await TransientRetry.$pauseScale.withValue(0.001) { try await harness.apply().report }
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        let (rows, pending) = try harness.ledger()
        #expect(rows.count == 17)
        #expect(pending.isEmpty)
        #expect(harness.target.counters.appendedMessages == 17, "every message was stored once, none again")
        harness.source.faults.everyStream = nil
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("a break that is not retried within the run still leaves each apply 3 messages further, and the last apply finishes")
    func everyApplyMakesProgress() async throws {
        let harness = try harness(17, breakingAfter: 3, .failed)

        var copied: [Int] = []
        for _ in 1...8 {
            let report = try await harness.apply().report
            copied.append(try harness.ledger().rows.count)
            if report.succeeded { break }
        }
        #expect(copied == [3, 6, 9, 12, 15, 17])
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try harness.ledger().pending.isEmpty)
        #expect(harness.target.counters.appendedMessages == 17, "every message was stored once, none again")
    }

    @Test("a transient failure that makes no progress is still given up after three attempts")
    func noProgressGivesUp() async throws {
        let harness = try harness(5, breakingAfter: 0, .transient)

        let report = try await TransientRetry.$pauseScale.withValue(0.001) { try await harness.apply().report }
        #expect(!report.succeeded)
        #expect(harness.source.counters.fetchCalls == 3)
        #expect(try harness.ledger().rows.isEmpty)
    }
}
