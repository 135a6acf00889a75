import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Every message skipped on purpose is counted where an apply ends and where a verification ends,
/// never only in the state.
@Suite("Mail copy over fake stores: skipped messages are reported")
struct MailSkipReportingTests {
    let alice = MailHarness.alice

    @Test("apply's summary line counts the messages the target refused, and says where to read why")
    func summaryNamesSkips() async throws {
        let harness = try MailHarness()
        var messages = SampleMessages.make(3)
        messages.append(SampleMessages.message(id: "large-1", bodyBytes: 6_000))
        messages.append(SampleMessages.message(id: "large-2", bodyBytes: 7_000))
        harness.source.seed(messages, into: "INBOX", of: alice)
        harness.target.faults.refuseLargerThan = 5_000

        let report = try await harness.apply().report
        #expect(report.succeeded)
        #expect(report.skippedMessages == 2)
        #expect(report.summaryLine.hasSuffix("; 2 messages skipped on purpose (mailmig status says why)"))
        let verification = try await harness.verify()
        #expect(verification.passed)
        #expect(verification.skippedMessages == 2)
    }

    @Test("a pass that fails after skipping a message says so in its failure, and the summary counts the skip")
    func failedPassNamesSkips() async throws {
        let harness = try MailHarness()
        // 70 messages make two chunks; the large one is refused in the first, the second chunk's APPEND fails.
        var messages = [SampleMessages.message(id: "large", bodyBytes: 6_000)]
        messages += SampleMessages.make(69)
        harness.source.seed(messages, into: "INBOX", of: alice)
        harness.target.faults.refuseLargerThan = 5_000
        harness.target.faults.append = (2, .beforeStoring, .failed)

        let report = try await harness.apply().report
        #expect(!report.succeeded)
        #expect(report.skippedMessages == 1)
        #expect(report.summaryLine.contains("1 message skipped on purpose"))
        guard case .failed(let message)? = report.failed.first?.outcome else {
            Issue.record("the pass did not fail")
            return
        }
        #expect(message.hasSuffix("; before that, 1 message was skipped on purpose and not copied (mailmig status and mailmig report list it with the reason)"))
        #expect(try harness.record()?.lastError?.contains("1 message was skipped") == true)
    }

    @Test("a retried pass waits as long as the server suggested, within the cap")
    func suggestedPause() {
        #expect(TransientRetry.pause(before: 2, suggested: nil) == 2)
        #expect(TransientRetry.pause(before: 3, suggested: nil) == 8)
        #expect(TransientRetry.pause(before: 2, suggested: 92.415) == 92.415)
        #expect(TransientRetry.pause(before: 3, suggested: 1) == 8)
        #expect(TransientRetry.pause(before: 2, suggested: 3_600) == TransientRetry.longestPause)
    }
}
