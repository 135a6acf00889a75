import Foundation
@testable import MailMigCore
import Synchronization
import Testing
import TestSupport

/// An apply that runs at once (`apply --auto-approve`) leaves the question "anything new?" to the pass
/// of a mailbox already brought to its stage: one source login per mailbox instead of two.
@Suite("Mail copy over fake stores: passes that check for new mail themselves")
struct MailCheckInPassTests {
    let alice = MailHarness.alice

    /// Records the mailboxes whose pass found nothing new.
    final class NothingNewRecorder: MailProgress {
        let seen = Mutex<[String]>([])
        func copied(mailbox: String, count: Int, bytes: Int64) {}
        func nothingNew(mailbox: String) { seen.withLock { $0.append(mailbox) } }
    }

    /// A mailbox copied once, with a folder the plan leaves out.
    func copiedOnce() async throws -> MailHarness {
        let harness = try MailHarness(extra: "folders: { exclude: [Junk] }\n")
        harness.source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        harness.source.seed(SampleMessages.make(10, tag: "arc"), into: "Archive", of: alice)
        harness.source.seed(SampleMessages.make(4, tag: "junk"), into: "Junk", of: alice)
        let first = try await harness.apply()
        #expect(first.report.succeeded)
        #expect(first.plan.steps.first?.work.mailPass?.checksFirst == nil, "a first pass is planned from what the source holds")
        #expect(first.plan.steps.first?.work.mailPass?.estimate?.messages == 30)
        return harness
    }

    @Test("new mail: one source login copies it, and the plan after the pass has nothing left to do")
    func newMail() async throws {
        let harness = try await copiedOnce()
        harness.source.seed([SampleMessages.message(id: "late-1"), SampleMessages.message(id: "late-2")], into: "Archive", of: alice)
        let (source, target) = (harness.source.counters, harness.target.counters)

        let (plan, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let work = try #require(plan.steps.first?.work.mailPass)
        #expect(plan.steps.count == 1 && work.checksFirst == true && work.estimate == nil)
        #expect(plan.steps.first?.reason == "sync (incremental): " + MailPlanner.checkedInPass)
        #expect(harness.source.counters.sessions == source.sessions + 1, "planning did not log in to the source; the pass did, once")
        #expect(harness.target.counters.sessions == target.sessions + 1)
        #expect(harness.target.counters.appendedMessages == target.appendedMessages + 2)
        #expect(harness.targetMatchesSource("Archive", "Archive"))
        #expect(try harness.record()?.lastResult?.copied == 2)
        #expect(try await harness.plan().steps.isEmpty, "the pass recorded the folders as the source shows them now")
    }

    @Test("nothing new: the pass asks the source once, never logs in to the target, and leaves the mailbox's record as it was")
    func nothingNew() async throws {
        let harness = try await copiedOnce()
        // Mail arriving in a folder the plan leaves out is nothing new for the migration.
        harness.source.seed([SampleMessages.message(id: "spam")], into: "Junk", of: alice)
        let recordBefore = try harness.record()
        let (source, target) = (harness.source.counters, harness.target.counters)
        let recorder = NothingNewRecorder()

        let (plan, report) = try await harness.apply(progress: recorder)
        #expect(report.succeeded && report.done.count == 1 && plan.steps.count == 1)
        #expect(recorder.seen.withLock { $0 } == [alice])
        #expect(harness.source.counters.sessions == source.sessions + 1)
        #expect(harness.source.counters.folderOpens == source.folderOpens, "STATUS answered it: no folder opened")
        #expect(harness.target.counters.sessions == target.sessions, "the target is not logged in to")
        #expect(try harness.record() == recordBefore)
    }

    @Test("a mailbox whose last pass failed gets a whole pass, which clears the failure although nothing is new")
    func lastPassFailed() async throws {
        let harness = try await copiedOnce()
        harness.source.faults.brokenMailboxes = [alice]
        let failed = try await harness.apply()
        #expect(failed.report.failed.count == 1)
        #expect(try harness.record()?.lastError?.contains("SERVERBUG") == true)
        harness.source.faults.brokenMailboxes = []
        let target = harness.target.counters

        let (_, report) = try await harness.apply()
        #expect(report.succeeded)
        #expect(harness.target.counters.sessions == target.sessions + 1, "the whole pass logs in to the target")
        #expect(try harness.record()?.lastError == nil, "status no longer shows the old failure")
        #expect(harness.target.counters.appendedMessages == target.appendedMessages)
    }

    @Test("a folder new on the source since the last pass is new mail, even empty: the pass creates it on the target")
    func newFolder() async throws {
        let harness = try await copiedOnce()
        harness.source.addFolder("Projects", of: alice)
        let target = harness.target.counters

        let (_, report) = try await harness.apply()
        #expect(report.succeeded)
        #expect(harness.target.counters.sessions == target.sessions + 1)
        #expect(harness.target.folder("Projects", of: alice) != nil)
    }

    @Test("an apply approved after reading its plan still counts what arrived while planning")
    func reviewedApply() async throws {
        let harness = try await copiedOnce()
        harness.source.seed([SampleMessages.message(id: "late")], into: "INBOX", of: alice)
        let source = harness.source.counters

        let (plan, report) = try await harness.apply(checkInPass: false)
        #expect(report.succeeded)
        let work = try #require(plan.steps.first?.work.mailPass)
        #expect(work.checksFirst == nil && work.estimate?.messages == 1)
        #expect(harness.source.counters.sessions == source.sessions + 2, "one login to plan, one to copy")
    }

    @Test("a step that checks first keeps that through a saved plan's encoding")
    func coding() throws {
        let settings = MailPassSettings(stage: .sync, cutoff: nil, maxMessageSize: nil, folders: FolderRules(automap: true, map: [:], exclude: []))
        let work = MailboxWork(source: alice, target: alice, batch: "all", settings: settings, estimate: nil, checksFirst: true)
        let decoded = try StateCoding.decoder.decode(MailboxWork.self, from: StateCoding.encoder.encode(work))
        #expect(decoded == work)
        let older = try StateCoding.decoder.decode(MailboxWork.self, from: StateCoding.encoder.encode(
            MailboxWork(source: alice, target: alice, batch: "all", settings: settings, estimate: nil)))
        #expect(older.checksFirst == nil, "a step saved without the field copies as it always did")
    }
}
