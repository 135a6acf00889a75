import Foundation
import Testing
@testable import MailMigCore

/// The recorded verification and what the cutover gate reads from it.
@Suite("Verify: recorded result")
struct VerificationRecordTests {
    static func mailbox(_ address: String, _ outcome: MailboxVerification.Outcome) -> MailboxVerification {
        MailboxVerification(source: address, target: address, stage: .sync, outcome: outcome)
    }

    @Test("failed domains are those of failed mailboxes; mailboxes not migrated do not fail the report")
    func failedDomains() {
        let report = VerificationReport(at: Date(timeIntervalSince1970: 0), deep: false, mailboxes: [
            Self.mailbox("a@acme.test", .passed), Self.mailbox("b@beta.test", .failed), Self.mailbox("c@gamma.test", .notMigrated),
        ])
        #expect(report.failedDomains == ["beta.test"])
        #expect(!report.passed)
        #expect(VerificationReport(at: Date(), deep: false, mailboxes: [Self.mailbox("c@gamma.test", .notMigrated)]).passed)
    }

    @Test("a half-copied mailbox (a pass interrupted) fails the report and its domain, and is recorded as not passed")
    func interrupted() {
        let report = VerificationReport(at: Date(timeIntervalSince1970: 0), deep: false, mailboxes: [
            Self.mailbox("a@acme.test", .passed), Self.mailbox("d@delta.test", .interrupted),
        ])
        #expect(!report.passed)
        #expect(report.failedDomains == ["delta.test"])
        #expect(VerificationRecord.merging(report, into: nil).mailboxes["d@delta.test"]?.passed == false)
    }

    @Test("verifying some mailboxes keeps the verdicts of the others")
    func merging() {
        let first = VerificationRecord.merging(VerificationReport(at: Date(timeIntervalSince1970: 10), deep: false, mailboxes: [
            Self.mailbox("a@acme.test", .failed), Self.mailbox("b@beta.test", .failed),
        ]), into: nil)
        #expect(first.failedDomains == ["acme.test", "beta.test"])
        let second = VerificationRecord.merging(VerificationReport(at: Date(timeIntervalSince1970: 20), deep: true, mailboxes: [
            Self.mailbox("a@acme.test", .passed),
        ]), into: first)
        #expect(second.failedDomains == ["beta.test"])
        #expect(second.mailboxes["a@acme.test"]?.deep == true)
        #expect(second.mailboxes["b@beta.test"]?.passed == false)
        #expect(second.at == Date(timeIntervalSince1970: 20))
    }

    @Test("the stored record decodes as the VerificationSummary the cutover gate reads")
    func summaryCompatible() throws {
        let record = VerificationRecord.merging(VerificationReport(at: Date(timeIntervalSince1970: 1_000), deep: false, mailboxes: [
            Self.mailbox("b@beta.test", .failed),
        ]), into: nil)
        let data = try StateCoding.encoder.encode(record)
        let summary = try StateCoding.decoder.decode(VerificationSummary.self, from: data)
        #expect(summary.failedDomains == ["beta.test"])
        #expect(summary.at == Date(timeIntervalSince1970: 1_000))
    }
}
