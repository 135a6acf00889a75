import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Later passes over a mailbox already copied: a source folder renumbered, flags changed by the user.
@Suite("Mail copy over fake stores: incremental passes")
struct MailIncrementalTests {
    let alice = MailHarness.alice

    @Test("after the source renumbers a folder (new UIDVALIDITY), the next pass re-keys the ledger and copies only new mail",
          arguments: [false, true])
    func uidValidityChange(namedMessages: Bool) async throws {
        let harness = try MailHarness(source: FakeMailStore(side: .source, namesMessages: namedMessages))
        // Every tenth message shares size and date with the one before, so some need their bytes compared.
        harness.source.seed(SampleMessages.make(150), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        let appended = harness.target.counters.appendedMessages
        #expect(appended == 150)

        let validity = try harness.source.resetUIDValidity(of: "INBOX", of: alice)
        harness.source.seed([SampleMessages.message(id: "after-rebuild")], into: "INBOX", of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")

        #expect(harness.target.counters.appendedMessages == appended + 1, "only the new message is appended")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        let result = try harness.record()?.lastResult
        #expect(result?.rekeyed == 150)
        #expect(result?.copied == 1)
        let rows = try harness.ledger().rows
        #expect(rows.count == 151)
        #expect(rows.allSatisfy { $0.uidValidity == validity })
        #expect(Set(rows.map(\.uid)) == Set(harness.source.messages(in: "INBOX", of: alice).map(\.key)), "rows name today's messages")
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("flags changed on the source after a pass reach the target on the next pass", arguments: [true, false], [false, true])
    func flagSync(tracksChanges: Bool, namedMessages: Bool) async throws {
        let source = FakeMailStore(side: .source, tracksChanges: tracksChanges, namesMessages: namedMessages)
        let target = FakeMailStore(side: .target, namesMessages: namedMessages)
        let harness = try MailHarness(source: source, target: target)
        let uids = source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)

        try source.setFlags(["\\Seen", "\\Flagged"], uid: uids[0], in: "INBOX", of: alice)
        try source.setFlags([], uid: uids[1], in: "INBOX", of: alice)
        try source.setFlags(["\\Seen", "\\Answered", "$Label1", "$Project"], uid: uids[6], in: "INBOX", of: alice)
        let plan = try await harness.plan()
        #expect(!plan.steps.isEmpty, "the plan must schedule a pass to carry the flags")
        #expect(try await harness.apply().report.succeeded)

        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try harness.record()?.lastResult?.flagUpdates == 3)
        #expect(try harness.record()?.lastResult?.copied == 0)
        let ledger = try harness.ledger().rows
        #expect(ledger.first { $0.uid == uids[0] }?.flags == ["\\Flagged", "\\Seen"], "the ledger records the flags carried")
        #expect(try await harness.verify().passed)

        // Without CONDSTORE, STATUS cannot show a flag change, so every sync plan must look again.
        #expect(try await harness.plan().steps.isEmpty == tracksChanges)
        // Once carried, the same flags are not stored again.
        let stores = harness.target.counters.flagStores
        try await harness.apply()
        #expect(harness.target.counters.flagStores == stores)
        #expect(harness.target.counters.appendedMessages == 20)
    }

    @Test("mail that arrived since the last pass is counted from STATUS when planning, and read with the folder's opening when copying, with the flag changes")
    func newMailSinceLastPass() async throws {
        let source = FakeMailStore(side: .source, reportsSize: true)
        let harness = try MailHarness(source: source)
        source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        let archived = source.seed(SampleMessages.make(10, tag: "arc"), into: "Archive", of: alice)
        source.seed(SampleMessages.make(5, tag: "drf"), into: "Drafts", of: alice)
        #expect(try await harness.apply().report.succeeded)

        let arrived = [
            "INBOX": source.seed((1...3).map { SampleMessages.message(id: "new-\($0)", bodyBytes: 300 * $0) }, into: "INBOX", of: alice),
            "Archive": source.seed([SampleMessages.message(id: "new-archived", bodyBytes: 1_000)], into: "Archive", of: alice),
        ]
        try source.setFlags(["\\Seen", "\\Flagged"], uid: archived[2], in: "Archive", of: alice)
        let newBytes = arrived.reduce(Int64(0)) { total, folder in
            total + source.messages(in: folder.key, of: alice).filter { folder.value.contains($0.key) }.reduce(Int64(0)) { $0 + Int64($1.body.count) }
        }
        let opened = source.counters.folderOpens
        let estimate = try #require(try await harness.plan().steps.first?.work.mailPass?.estimate)
        #expect(estimate.messages == 4)
        #expect(estimate.bytes == newBytes)
        #expect(estimate.folders == 2)
        #expect(source.counters.folderOpens == opened, "the plan opens no folder")

        let described = source.counters.metadataCalls
        #expect(try await harness.apply().report.succeeded)
        #expect(source.counters.metadataCalls - described == 2,
                "one read per changed folder: its new mail and its flag changes come with its opening")
        let result = try harness.record()?.lastResult
        #expect(result?.copied == 4)
        #expect(result?.flagUpdates == 1)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Archive", "Archive"))
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("after a pass that broke off in the middle of new mail, the plan counts what is left by opening the folder")
    func newMailAfterBrokenPass() async throws {
        let source = FakeMailStore(side: .source, reportsSize: true)
        let harness = try MailHarness(source: source)
        source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        source.seed(SampleMessages.make(70, tag: "late"), into: "INBOX", of: alice)
        // The second body stream breaks after 66 messages, for good: the first chunk (64) is appended.
        source.faults.stream = (call: 2, after: 66, kind: .failed)
        #expect(try await harness.apply().report.succeeded == false)
        let copied = try harness.ledger().rows.count - 20
        #expect(copied >= 64 && copied < 70)

        let estimate = try #require(try await harness.plan().steps.first?.work.mailPass?.estimate)
        #expect(estimate.messages == 70 - copied, "not the 70 that STATUS shows arrived since the folder's record")
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.target.counters.appendedMessages == 90)
    }

    @Test("what the target changed of the messages is recorded for every folder, the last one and one before a folder the source refuses included")
    func readBackOfEveryFolder() async throws {
        let harness = try MailHarness()
        // Message 1 of every five carries $Label1 (SampleMessages), which this target does not keep.
        harness.target.faults.unkeptKeywords = ["$Label1"]
        for (index, folder) in ["INBOX", "Archive", "Broken", "Projects"].enumerated() {
            harness.source.seed(SampleMessages.make(20, tag: "f\(index)"), into: folder, of: alice)
        }
        harness.source.faults.refusedFolders = ["Broken"]
        #expect(try await harness.apply().report.succeeded == false, "the refused folder fails the pass")
        let rewritten = try harness.state().targetRewrites(mailbox: alice, folder: nil)
        #expect(Set(rewritten.map(\.folder)) == ["INBOX", "Archive", "Projects"])
        #expect(rewritten.count == 3 * 4, "four messages of twenty carry the keyword in each folder")
        #expect(rewritten.allSatisfy { $0.attribute == .flags })

        harness.source.faults.refusedFolders = []
        #expect(try await harness.apply().report.succeeded)
        #expect(try harness.state().targetRewrites(mailbox: alice, folder: nil).count == 4 * 4)
        #expect(try await harness.plan().steps.isEmpty, "every folder is recorded")
    }

    @Test("what the target changed of the new mail is recorded even when the flag sync after the copy fails")
    func readBackAfterFailedFlagSync() async throws {
        let harness = try MailHarness()
        harness.target.faults.unkeptKeywords = ["$Label1"]
        let uids = harness.source.seed(SampleMessages.make(5), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        #expect(try harness.state().targetRewrites(mailbox: alice, folder: nil).count == 1)
        // New mail (one of five carries $Label1) and a flag change on a message copied before.
        harness.source.seed(SampleMessages.make(5, tag: "new"), into: "INBOX", of: alice)
        try harness.source.setFlags(["\\Flagged"], uid: uids[0], in: "INBOX", of: alice)
        harness.target.faults.failedFlagStores = .failed
        #expect(try await harness.apply().report.succeeded == false, "the flag sync fails the pass")
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 10, "the new mail was copied")
        #expect(try harness.state().targetRewrites(mailbox: alice, folder: nil).count == 2, "and what the target dropped of it is recorded")
        harness.target.faults.failedFlagStores = nil
        #expect(try await harness.apply().report.succeeded)
        #expect(try harness.state().targetRewrites(mailbox: alice, folder: nil).count == 2)
    }

    @Test("a folder without mod-sequences (STATUS HIGHESTMODSEQ 0, CHANGEDSINCE refused) gets its new mail and flag changes")
    func folderWithoutModSeq() async throws {
        let harness = try MailHarness()
        harness.source.faults.noModSeqFolders = ["Archive"]
        let uids = harness.source.seed(SampleMessages.make(5), into: "Archive", of: alice)
        #expect(try await harness.apply().report.succeeded)
        harness.source.seed(SampleMessages.make(3, tag: "new"), into: "Archive", of: alice)
        try harness.source.setFlags(["\\Flagged"], uid: uids[0], in: "Archive", of: alice)
        let result = try await harness.apply()
        #expect(result.report.succeeded, "\(result.report.failed.map(\.outcome))")
        #expect(harness.targetMatchesSource("Archive", "Archive"))
    }

    @Test("flags changed between two presync passes reach the target at sync, and a presync pass after a flag change converges")
    func flagsChangedDuringPresync() async throws {
        let presync = "batches:\n  - { name: wave, mailboxes: [\(alice)], stage: presync }\nstages:\n  presync: { older_than: 365d }\n"
        let harness = try MailHarness(extra: presync)
        let old = harness.source.seed(SampleMessages.make(6), into: "INBOX", of: alice)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss Z"
        harness.source.seed([SampleMessages.message(id: "recent", date: MessageDate(formatter.string(from: Date())))], into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == 6, "presync copies only the old mail")

        // Presync carries no flags, so this change waits for sync, however many presyncs run first.
        try harness.source.setFlags(["\\Seen", "\\Flagged"], uid: old[0], in: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        #expect(try await harness.plan().steps.isEmpty, "a presync has nothing to do for a flag change")

        harness.extra = presync.replacingOccurrences(of: "stage: presync", with: "stage: sync")
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try harness.record()?.lastResult?.flagUpdates == 1)
        #expect(try harness.record()?.lastResult?.copied == 1)
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("flags changed on the source reach a target without UIDPLUS on the next pass")
    func flagSyncWithoutAppendUID() async throws {
        let harness = try MailHarness(target: FakeMailStore(side: .target, returnsUIDs: false))
        let uids = harness.source.seed(SampleMessages.make(5), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        try harness.source.setFlags(["\\Seen", "\\Flagged"], uid: uids[0], in: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        // The ledger has no target UID for messages appended without APPENDUID, and flag sync skips
        // such rows, so the change never reaches the target.
        let updates = try harness.record()?.lastResult?.flagUpdates
        withKnownIssue("flag sync needs target UIDs, which a target without UIDPLUS never gave") {
            #expect(harness.targetMatchesSource("INBOX", "INBOX"))
            #expect(updates == 1)
        }
    }
}
