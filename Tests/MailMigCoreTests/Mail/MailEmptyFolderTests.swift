import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Folders whose STATUS shows no message: planned and passed without being opened, yet never missed
/// once mail arrives in them.
@Suite("Mail copy over fake stores: empty folders")
struct MailEmptyFolderTests {
    let alice = MailHarness.alice
    let emptyFolders = (1...40).map { "Archive/\(2000 + $0)" }

    func harness() throws -> MailHarness {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(5), into: "INBOX", of: alice)
        for path in emptyFolders { harness.source.addFolder(path, of: alice) }
        return harness
    }

    @Test("plan and apply open only the folders that hold mail; every empty folder is still created")
    func emptyFoldersAreNotOpened() async throws {
        let harness = try harness()
        let plan = try await harness.plan()
        #expect(plan.steps.count == 1)
        #expect(harness.source.counters.folderOpens == 1, "plan opens INBOX only, not the 40 empty folders")

        let before = harness.source.counters.folderOpens
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.source.counters.folderOpens - before <= 2, "the pass opens INBOX, not the empty folders")
        for path in emptyFolders { #expect(harness.target.folder(path, of: alice) != nil, "\(path) exists on the target") }
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try await harness.plan().steps.isEmpty, "after the pass every folder is current")
    }

    @Test("mail that arrives in a folder recorded empty is planned and copied by the next pass")
    func mailArrivingInAnEmptyFolder() async throws {
        let harness = try harness()
        #expect(try await harness.apply().report.succeeded)
        harness.source.seed([SampleMessages.message(id: "late-arrival")], into: "Archive/2007", of: alice)

        let plan = try await harness.plan()
        #expect(plan.steps.count == 1, "the folder that got mail makes the mailbox change")
        let appended = harness.target.counters.appendedMessages
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == appended + 1)
        #expect(harness.targetMatchesSource("Archive/2007", "Archive/2007"))
        #expect(try await harness.verify().passed)
    }

    @Test("discover opens only the folders that hold mail, and still lists every folder")
    func discoverSkipsEmptyFolders() async throws {
        let harness = try harness()
        let report = try await Discoverer(context: try harness.workspace().mail, enumerate: false).run()
        #expect(harness.source.counters.folderOpens == 1, "only INBOX is opened")
        let folders = report.mailboxes.first?.folders ?? []
        #expect(folders.count == 41)
        #expect(folders.first { $0.path == "INBOX" }?.messages == 5)
        #expect(folders.filter { $0.messages == 0 }.count == 40)
    }
}
