import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI

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

    @Test("JSON lines carry type and version, and the summary names failed domains")
    func json() throws {
        var failed = Self.mailbox("b@beta.test", .failed)
        var folder = FolderVerification(source: "INBOX", target: "INBOX", targetExists: true)
        folder.missing = [MessageReference(sourceUID: 3, targetUID: nil, messageID: "<m>", size: 10, internalDate: nil)]
        folder.expected = 1
        failed.folders = [folder]
        let text = VerificationRenderer.jsonLines(VerificationReport(at: Date(timeIntervalSince1970: 0), deep: false, mailboxes: [failed]))
        let lines = text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]?["type"] as? String == "verify-mailbox")
        #expect(lines[0]?["version"] as? Int == 1)
        #expect(lines[0]?["differences"] as? Int == 1)
        #expect(lines[1]?["type"] as? String == "verify-summary")
        #expect(lines[1]?["failed_domains"] as? [String] == ["beta.test"])
    }

    @Test("human output: one line per mailbox, then each difference with its folder and UIDs")
    func human() {
        var failed = Self.mailbox("b@beta.test", .failed)
        var folder = FolderVerification(source: "INBOX", target: "INBOX", targetExists: true)
        folder.expected = 2
        folder.found = 1
        folder.missing = [MessageReference(sourceUID: 3, targetUID: nil, messageID: "<m@x>", size: 10, internalDate: nil)]
        folder.flagMismatches = [ValueMismatch(message: MessageReference(sourceUID: 4, targetUID: 9, messageID: nil, size: 5, internalDate: nil),
                                               source: "\\Seen", target: "(none)")]
        failed.folders = [folder]
        let text = VerificationRenderer.human(VerificationReport(at: Date(), deep: false, mailboxes: [
            Self.mailbox("a@acme.test", .notMigrated), failed,
        ]), palette: Palette(enabled: false))
        #expect(text.contains("○ a@acme.test: not migrated yet"))
        #expect(text.contains("✗ b@beta.test → b@beta.test (sync): 1/2 messages"))
        #expect(text.contains("INBOX: missing on the target: source UID 3, Message-ID <m@x>, 10 bytes"))
        #expect(text.contains("INBOX: flags differ: source UID 4, target UID 9, no Message-ID, 5 bytes: source \\Seen, target (none)"))
        #expect(text.contains("Verification failed: 1 of 1 mailbox differ; the cutover of beta.test is held back"))
    }
}
