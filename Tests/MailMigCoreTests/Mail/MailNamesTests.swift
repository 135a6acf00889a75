import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Folders are addressed by what the server listed, and one bad folder or keyword stops only itself.
@Suite("Mail copy over fake stores: folder names, keywords, unreadable folders")
struct MailNamesTests {
    let alice = MailHarness.alice

    @Test("under the prefix INBOX., a folder Inbox is not the INBOX: both are copied to their own folders and verify")
    func inboxLookalike() async throws {
        let harness = try MailHarness(source: FakeMailStore(side: .source, inboxSpelling: .exact),
                                      target: FakeMailStore(side: .target, inboxSpelling: .exact))
        harness.source.seed(SampleMessages.make(6, tag: "inbox"), into: "INBOX", of: alice)
        harness.source.seed(SampleMessages.make(4, tag: "lookalike", firstDay: 50), into: "Inbox", of: alice)
        let (plan, report) = try await harness.apply()
        #expect(plan.blocked.isEmpty, "\(plan.blocked.map(\.reason))")
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Inbox", "Inbox"))
        let rows = try harness.ledger().rows
        #expect(rows.filter { $0.folder == "INBOX" }.count == 6 && rows.filter { $0.folder == "Inbox" }.count == 4)
        #expect(try await harness.verify().passed)
    }

    @Test("the INBOX and a folder Inbox going to a target where Inbox is the INBOX collide; where it is not, they do not")
    func inboxLookalikeMapping() {
        let source = [FolderListing(levels: ["INBOX"], specialUse: nil, isInbox: true),
                      FolderListing(levels: ["Inbox"], specialUse: nil, isInbox: false, shownName: "INBOX.Inbox (not the INBOX)")]
        let prefixed = FolderMapper.map(source: source, target: [], rules: .standard, targetDelimiter: ".", targetInbox: .exact)
        #expect(prefixed.mappings.map(\.target) == ["INBOX", "Inbox"])
        #expect(prefixed.mappings.map(\.targetIsInbox) == [true, false])
        #expect(prefixed.collisions.isEmpty)
        #expect(prefixed.renames == ["INBOX.Inbox (not the INBOX) → Inbox"])
        let plain = FolderMapper.map(source: source, target: [], rules: .standard, targetDelimiter: "/", targetInbox: .anyCase)
        #expect(plain.collisions.map(\.sources) == [["INBOX", "Inbox"]])
    }

    @Test("two server folders listed with one path collide even under a folders.map entry, which cannot tell them apart")
    func onePathTwice() {
        var rules = FolderRules.standard
        rules.map = ["X": "Y"]
        let plan = FolderMapper.map(source: [FolderListing(levels: ["X"], specialUse: nil), FolderListing(levels: ["X"], specialUse: nil)],
                                    target: [], rules: rules, targetDelimiter: "/")
        #expect(plan.collisions.map(\.sources) == [["X", "X"]])
    }

    @Test("keywords that are not atoms are left out of APPEND and STORE, reported once per folder, and the rest is copied")
    func badKeywords() async throws {
        let harness = try MailHarness()
        var messages = SampleMessages.make(5, tag: "kw")
        messages[1].flags = ["\\Seen", "Café", "$Label1"]
        messages[3].flags = ["has space", "Café"]
        harness.source.seed(messages, into: "INBOX", of: alice)
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let arrived = harness.target.messages(in: "INBOX", of: alice)
        #expect(arrived.count == 5)
        #expect(arrived.contains { $0.flags == ["\\Seen", "$Label1"] })
        #expect(!arrived.contains { $0.flags.contains("Café") || $0.flags.contains("has space") })
        #expect(try harness.record()?.lastResult?.droppedKeywords == ["INBOX": ["Café", "has space"]])
        #expect(try await harness.verify().passed, "keywords no target can store are a limit, not a difference")

        // A flag change on the source is carried with the same keywords left out, and the report stays.
        let keys = harness.source.messages(in: "INBOX", of: alice).map(\.key)
        try harness.source.setFlags(["\\Flagged", "Café"], uid: keys[3], in: "INBOX", of: alice)
        let (_, again) = try await harness.apply()
        #expect(again.succeeded, "\(again.failed.map(\.outcome))")
        #expect(harness.target.messages(in: "INBOX", of: alice).contains { $0.flags == ["\\Flagged"] })
        #expect(try harness.record()?.lastResult?.droppedKeywords["INBOX"] == ["Café", "has space"])
    }

    @Test("a folder whose SELECT the source refuses stops only itself: the others are copied and the pass names it")
    func unreadableFolder() async throws {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(3, tag: "inbox"), into: "INBOX", of: alice)
        harness.source.seed(SampleMessages.make(2, tag: "broken", firstDay: 20), into: "Broken", of: alice)
        harness.source.seed(SampleMessages.make(4, tag: "later", firstDay: 40), into: "Later", of: alice)
        harness.source.faults.refusedFolders = ["Broken"]
        let (plan, report) = try await harness.apply()
        #expect(plan.blocked.isEmpty, "planning holds back the mailbox: \(plan.blocked.map(\.reason))")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Later", "Later"))
        let failure = try #require(report.failed.first)
        guard case .failed(let message) = failure.outcome else { return }
        #expect(message.contains("folder Broken") && message.contains("other folders were copied"), "\(message)")
        #expect(message.count < 300, "\(message)")

        harness.source.faults.refusedFolders = []
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("Broken", "Broken"))
    }

    @Test("discover reports a folder the source refuses to open as a risk of that folder and still looks at the others")
    func unreadableFolderDiscovered() async throws {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(3, tag: "inbox"), into: "INBOX", of: alice)
        harness.source.seed(SampleMessages.make(2, tag: "broken", firstDay: 20), into: "Broken", of: alice)
        harness.source.faults.refusedFolders = ["Broken"]
        let report = try await Discoverer(context: try harness.workspace().mail, enumerate: false).run()
        let mailbox = try #require(report.mailboxes.first)
        #expect(mailbox.error == nil, "\(mailbox.error ?? "")")
        #expect(mailbox.folders.first { $0.path == "INBOX" }?.bytes ?? 0 > 0)
        #expect(mailbox.risks.map(\.kind) == [.unreadableFolder])
        #expect(mailbox.risks.first?.folder == "Broken")
    }
}
