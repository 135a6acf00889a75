import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A mailbox copied on lanes the apply has to spare: several folders at once, each exactly once.
@Suite("Mail copy over fake stores: folders on spare lanes")
struct MailLanesTests {
    let alice = MailHarness.alice
    static let folders = ["INBOX", "Archive", "Sent", "Projects", "Projects/2024", "Lists"]

    /// Alice with 120 messages in each of `folders`.
    func seeded(_ harness: MailHarness) {
        for (index, folder) in Self.folders.enumerated() {
            harness.source.seed(SampleMessages.make(120, tag: "f\(index)"), into: folder, of: alice)
        }
    }

    func expectExact(_ harness: MailHarness, copies: Int = 6 * 120) throws {
        for folder in Self.folders {
            #expect(harness.targetMatchesSource(folder, folder), "\(folder)")
        }
        let ledger = try harness.ledger()
        #expect(ledger.rows.count == copies)
        #expect(ledger.pending.isEmpty)
        #expect(harness.target.counters.appendedMessages == copies, "no message appended twice")
    }

    @Test("a mailbox alone in an apply copies its folders on borrowed lanes: more than one session per side, every message once")
    func borrowedLanes() async throws {
        let harness = try MailHarness()
        harness.parallelism = 4
        seeded(harness)
        let result = try await harness.apply()
        #expect(result.report.succeeded, "\(result.report.failed.map(\.outcome))")
        #expect(harness.target.counters.peakSessions > 1, "the folders were copied on one session pair")
        #expect(harness.source.counters.peakSessions > 1)
        #expect(harness.target.counters.peakSessions <= 1 + MailboxCopier.extraLanes)
        try expectExact(harness)
        let record = try harness.record()?.lastResult
        #expect(record?.copied == 720, "the lanes' counts are added up")
        #expect(record?.folders == 6)
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("a little left to copy is not worth a lane: one session pair")
    func smallMailboxKeepsOneLane() async throws {
        let harness = try MailHarness()
        harness.parallelism = 4
        for folder in Self.folders { harness.source.seed(SampleMessages.make(20, tag: folder), into: folder, of: alice) }
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.peakSessions == 1)
        #expect(harness.targetMatchesSource("Lists", "Lists"))
    }

    @Test("a lane the server refuses to log in (per-user connection limit) leaves its folders to the others")
    func laneRefusedAtLogin() async throws {
        let harness = try MailHarness()
        harness.parallelism = 4
        harness.target.faults.sessionsPerMailbox = 1
        seeded(harness)
        let result = try await harness.apply()
        #expect(result.report.succeeded, "\(result.report.failed.map(\.outcome))")
        #expect(harness.target.counters.sessions > 1, "no lane was tried")
        #expect(harness.target.counters.peakSessions == 1)
        try expectExact(harness)
    }

    @Test("a lane whose APPEND fails stops the lanes; the apply fails, and the next one completes every folder exactly once",
          arguments: [FakeStoreFaults.AppendMoment.beforeStoring, .afterStoring])
    func laneFailure(moment: FakeStoreFaults.AppendMoment) async throws {
        let harness = try MailHarness()
        harness.parallelism = 4
        seeded(harness)
        harness.target.faults.append = (call: 4, moment: moment, kind: .failed)
        let first = try await harness.apply()
        #expect(!first.report.succeeded)
        #expect(harness.target.counters.peakSessions > 1)
        harness.target.faults.append = nil
        let second = try await harness.apply()
        #expect(second.report.succeeded, "\(second.report.failed.map(\.outcome))")
        for folder in Self.folders {
            #expect(harness.targetMatchesSource(folder, folder), "\(folder)")
        }
        let ledger = try harness.ledger()
        #expect(ledger.rows.count == 720)
        #expect(ledger.pending.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("folders mapped into one target folder are copied one after the other, and arrive whole")
    func mergedFoldersShareALane() async throws {
        let harness = try MailHarness(extra: "folders:\n  map:\n    Archive: Old\n    Lists: Old\n")
        harness.parallelism = 4
        seeded(harness)
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.peakSessions > 1)
        let merged = harness.source.messages(in: "Archive", of: alice) + harness.source.messages(in: "Lists", of: alice)
        #expect(MailHarness.bodies(harness.target.messages(in: "Old", of: alice)) == MailHarness.bodies(merged))
        #expect(try harness.ledger().rows.count == 720)
    }

    @Test("groups: one per target folder in first-seen order, handed out largest first")
    func grouping() {
        func mapping(_ source: String, _ target: String) -> FolderMapping { FolderMapping(source: source, target: target, rule: .sameName) }
        let sizes = ["INBOX": 10, "A": 500, "B": 30, "C": 40]
        let groups = FolderQueue.grouped([mapping("INBOX", "INBOX"), mapping("A", "A"), mapping("B", "Old"), mapping("C", "Old")]) {
            sizes[$0.source] ?? 0
        }
        #expect(groups.map { $0.mappings.map(\.source) } == [["INBOX"], ["A"], ["B", "C"]])
        let queue = FolderQueue(groups)
        #expect(queue.remaining.groups == 3 && queue.remaining.messages == 580)
        #expect(queue.next()?.mappings.map(\.source) == ["A"])
        #expect(queue.next()?.mappings.map(\.source) == ["B", "C"])
        queue.stop()
        #expect(queue.next() == nil)
        #expect(queue.remaining.groups == 0)
    }

    @Test("lanes are lent only while no mail step waits to start, up to the apply's parallelism")
    func lending() async {
        let lanes = SpareLanes()
        #expect(await !lanes.take(), "nothing is lent before the executor speaks")
        await lanes.update(capacity: 4, running: 2, waiting: true)
        #expect(await !lanes.take())
        await lanes.update(capacity: 4, running: 2, waiting: false)
        #expect(await lanes.take())
        #expect(await lanes.take())
        #expect(await !lanes.take())
        await lanes.giveBack()
        #expect(await lanes.inUse == 1)
        #expect(await lanes.take())
        await lanes.update(capacity: 0, running: 0, waiting: false)
        #expect(await !lanes.take())
    }
}
