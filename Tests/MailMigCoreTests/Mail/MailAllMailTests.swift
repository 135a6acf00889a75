import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A source with an All Mail folder (SPECIAL-USE `\All`), as Gmail shows it: every message of every
/// label once more, plus the messages without a label. Copied whole it would double the mailbox; the
/// pass copies only what no other folder holds, into the target's archive folder.
@Suite("Mail copy over fake stores: Gmail's All Mail")
struct MailAllMailTests {
    let alice = MailHarness.alice
    static let allMail = "[Gmail]/All Mail"

    /// INBOX 4 messages, Projects 3 (one of them also in INBOX, as a message with two labels is),
    /// Trash 1 (not in All Mail, as Gmail leaves Trash out), and All Mail: each labelled message once
    /// and 2 without a label.
    func harness(extra: String = "") throws -> (MailHarness, unlabeled: [SeedMessage]) {
        let harness = try MailHarness(extra: extra)
        let inbox = SampleMessages.make(4, tag: "inbox")
        let projects = SampleMessages.make(2, tag: "project") + [inbox[0]]
        let unlabeled = SampleMessages.make(2, tag: "archived", firstDay: 30)
        harness.source.seed(inbox, into: "INBOX", of: alice)
        harness.source.seed(projects, into: "Projects", of: alice)
        harness.source.seed(SampleMessages.make(1, tag: "deleted", firstDay: 60), into: "[Gmail]/Trash", of: alice)
        harness.source.addFolder(Self.allMail, of: alice, specialUse: "\\All")
        harness.source.seed(inbox + projects.dropLast() + unlabeled, into: Self.allMail, of: alice)
        return (harness, unlabeled)
    }

    func bodies(_ path: String, of store: FakeMailStore) -> [[UInt8]] {
        store.messages(in: path, of: alice).map(\.body).sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test("only the messages in no other folder are copied, into Archive; All Mail is never a folder on the target; verify passes")
    func onlyUnlabeled() async throws {
        let (harness, unlabeled) = try harness()
        let plan = try await harness.plan()
        let reason = plan.steps.first.map { "\($0.work.mailPass?.estimate.map { "\($0)" } ?? "")" } ?? ""
        #expect(plan.steps.first?.work.mailPass?.estimate?.allMailUndecided == 8, "\(reason)")
        #expect(plan.steps.first?.work.mailPass?.estimate?.messages == 8, "INBOX 4, Projects 3, Trash 1: \(reason)")

        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(bodies("Archive", of: harness.target) == unlabeled.map(\.body).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(harness.target.folder(Self.allMail, of: alice) == nil)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Projects", "Projects"))
        let result = try #require(try harness.record()?.lastResult)
        #expect(result.inOtherFolders == 6, "4 of INBOX and 2 of Projects; the message in both counts once")
        #expect(result.copied == 4 + 3 + 1 + 2)

        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty, "a second plan has nothing to do")
    }

    @Test("a later pass looks only at new messages: a new unlabelled one goes to Archive, a new INBOX one only to INBOX")
    func laterPass() async throws {
        let (harness, unlabeled) = try harness()
        #expect(try await harness.apply().report.succeeded)
        let arrived = SampleMessages.message(id: "arrived-in-inbox")
        let archived = SampleMessages.message(id: "archived-later", bodyBytes: 300)
        harness.source.seed([arrived], into: "INBOX", of: alice)
        harness.source.seed([arrived, archived], into: Self.allMail, of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(bodies("Archive", of: harness.target) == (unlabeled + [archived]).map(\.body).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try await harness.verify().passed)
    }

    @Test("folders.all_mail_into names the folder; folders.map copies All Mail whole, as the plan asks; a source Archive folder shares the target's")
    func plannedOtherwise() async throws {
        let (into, unlabeled) = try harness(extra: "folders: { all_mail_into: Gmail/Unlabeled }\n")
        #expect(try await into.apply().report.succeeded)
        #expect(bodies("Gmail/Unlabeled", of: into.target) == unlabeled.map(\.body).sorted { $0.lexicographicallyPrecedes($1) })

        let (whole, _) = try harness(extra: "folders: { map: { \"\(Self.allMail)\": All } }\n")
        #expect(try await whole.apply().report.succeeded)
        #expect(whole.targetMatchesSource(Self.allMail, "All"))

        let (shared, _) = try harness()
        shared.source.seed(SampleMessages.make(1, tag: "label-archive", firstDay: 90), into: "Archive", of: alice)
        shared.source.seed(SampleMessages.make(1, tag: "label-archive", firstDay: 90), into: Self.allMail, of: alice)
        let report = try await shared.apply().report
        #expect(report.succeeded, "an Archive label and All Mail's own messages share the target's Archive: \(report.failed.map(\.outcome))")
        #expect(shared.target.messages(in: "Archive", of: alice).count == 3)
        #expect(try await shared.verify().passed)
    }
}
