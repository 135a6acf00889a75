import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI

/// The views of a verification: JSON lines and the human form.
@Suite("Verify: views")
struct VerificationRendererTests {
    static func mailbox(_ address: String, _ outcome: MailboxVerification.Outcome) -> MailboxVerification {
        MailboxVerification(source: address, target: address, stage: .sync, outcome: outcome)
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
        let folders = lines[0]?["folders"] as? [[String: Any]]
        #expect(folders?.first?["message_ids_match"] as? Bool == true, "the documented name, not message_i_ds_match")
        #expect((folders?.first?["missing"] as? [[String: Any]])?.first?["source_uid"] as? Int == 3)
    }

    @Test("keys are snake_case as documented, initialisms kept whole", arguments: [
        ("messageIDsMatch", "message_ids_match"), ("sourceUID", "source_uid"), ("targetUIDValidity", "target_uid_validity"),
        ("failedDomains", "failed_domains"), ("type", "type"), ("expectedBytes", "expected_bytes"), ("flagsNotCarriedYet", "flags_not_carried_yet"),
    ])
    func snakeCaseKeys(_ key: String, _ expected: String) {
        #expect(snakeCase(key) == expected)
    }

    @Test("a verification that passes with skipped messages counts them on the mailbox's line, in the verdict and in JSON")
    func passedWithSkips() throws {
        var passed = Self.mailbox("a@acme.test", .passed)
        var folder = FolderVerification(source: "INBOX", target: "INBOX", targetExists: true)
        folder.expected = 3
        folder.found = 3
        folder.skipped = [UInt32(1), 2].map { uid in
            SkippedReference(message: MessageReference(sourceUID: .uid(uid), targetUID: nil, messageID: nil, size: 9_000, internalDate: nil),
                             reason: "refused by the target: NO [TOOBIG] Message too large")
        }
        passed.folders = [folder]
        let report = VerificationReport(at: Date(timeIntervalSince1970: 0), deep: false, mailboxes: [passed])
        let text = VerificationRenderer.human(report, palette: Palette(enabled: false))
        #expect(text.contains("✓ a@acme.test → a@acme.test (sync): 3/3 messages, 0 B in 1 folder, 2 skipped on purpose\n"))
        #expect(text.hasSuffix("Verification passed: 1 mailbox consistent, but 2 messages were skipped on purpose and are not on the target "
                               + "(listed above; mailmig status says why).\n"))
        let summary = try #require(VerificationRenderer.jsonLines(report).split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(object["skipped"] as? Int == 2)
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

    @Test("a mailbox that could not be compared is not said to differ; no cutover is named for a plan without domains")
    func uncompared() {
        var refused = Self.mailbox("r@acme.test", .failed)
        refused.error = "target server imap.new.test, mailbox r@acme.test: the login was refused"
        var report = VerificationReport(at: Date(), deep: false, mailboxes: [refused, Self.mailbox("a@acme.test", .passed)])
        report.gatesCutover = false
        let text = VerificationRenderer.human(report, palette: Palette(enabled: false))
        #expect(text.contains("Verification failed: 1 of 2 mailboxes could not be compared."), "\(text)")
        #expect(!text.contains("differ") && !text.contains("cutover"), "\(text)")
        report.gatesCutover = true
        #expect(VerificationRenderer.human(report, palette: Palette(enabled: false))
            .contains("Verification failed: 1 of 2 mailboxes could not be compared; the cutover of acme.test is held back until verify passes."))
    }

    @Test("a half-copied mailbox is a failure with its reason, never 'not migrated yet'")
    func halfCopied() {
        var half = Self.mailbox("h@acme.test", .interrupted)
        half.error = "a pass copied 282 messages and was interrupted before it completed; run mailmig apply to finish it"
        let text = VerificationRenderer.human(VerificationReport(at: Date(), deep: false, mailboxes: [half]), palette: Palette(enabled: false))
        #expect(text.contains("✗ h@acme.test → h@acme.test (sync): half copied: a pass copied 282 messages"), "\(text)")
        #expect(!text.contains("not migrated yet"))
        #expect(text.contains("Verification failed: 1 of 1 mailbox differ"), "\(text)")
    }

    @Test("verify --backup speaks of the backup, never of a target it did not read")
    func backupWording() {
        var failed = Self.mailbox("a@acme.test", .failed)
        var folder = FolderVerification(source: "Kunden/2024", target: "Kunden/2024", targetExists: true)
        folder.expected = 2
        folder.found = 1
        folder.missing = [MessageReference(sourceUID: 3, targetUID: nil, messageID: "<m@x>", size: 10, internalDate: nil)]
        folder.bodyMismatches = [ValueMismatch(message: MessageReference(sourceUID: 4, targetUID: .name("1700000000.M1P2Q3"), messageID: nil,
                                                                         size: 5, internalDate: nil),
                                               source: "0f6faddfc03ea8d978017f63", target: "b715efb86bc20704779f4b2a")]
        failed.folders = [folder]
        failed.integrity = ["folder 'Kunden/2024': the message file .Kunden.2024/cur/1700000000.M1P2Q3:2,S has changed since it was written"]
        let text = VerificationRenderer.human(VerificationReport(at: Date(), deep: true, mailboxes: [failed], backup: true),
                                              palette: Palette(enabled: false))
        #expect(text.contains("✗ a@acme.test → backup (sync): 1/2 messages"))
        #expect(text.contains("Kunden/2024: missing on the backup: source UID 3, Message-ID <m@x>, 10 bytes"))
        #expect(text.contains("Kunden/2024: body differs (SHA-256): source UID 4, backup message \"1700000000.M1P2Q3\", no Message-ID, 5 bytes: "
                              + "source 0f6faddfc03ea8d9…, backup b715efb86bc20704…"))
        #expect(text.contains("backup: folder 'Kunden/2024': the message file .Kunden.2024/cur/1700000000.M1P2Q3:2,S has changed"))
        #expect(!text.contains("target"), "\(text)")
    }
}
